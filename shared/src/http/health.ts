import type { Agenda } from 'agenda';
import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import type { Logger } from '../logger.js';

/**
 * How long each check may take before it counts as down, in milliseconds. Both run at once, so
 * `/health` answers within about this long in every state (the driver's own server selection
 * would take 10 s when MongoDB is unreachable, a router's wait for a shard primary longer).
 */
export const HEALTH_CHECK_TIMEOUT_MS = 500;

/** `promise`'s value, or `fallback` once `ms` have passed or when it rejects. */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the service's database answers a primary read. Not a `ping`: through a router a ping is
 * answered by the router alone, while this reaches the primary of the database's primary shard,
 * where the service's queue, runs and operations live (unsharded collections). On a replica set it
 * needs the primary, as a ping does. mongoose's `readyState` says nothing through a router (mongoose
 * tracks only single servers and replica sets), so only the answer counts.
 */
function mongoIsUp(conn: Connection): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return Promise.resolve(false);
  return within(
    conn.db.command({ listCollections: 1, filter: { name: 'health' }, nameOnly: true, maxTimeMS: HEALTH_CHECK_TIMEOUT_MS }).then(() => true),
    HEALTH_CHECK_TIMEOUT_MS,
    false,
  );
}

/**
 * Logs when the health check finds MongoDB unreachable, and when it answers again: once per change,
 * however many probes ask. It says so whatever the cause (a lost router or shard primary, which the
 * connection's own events do not show, as well as a lost replica set primary).
 */
function reachabilityLog(logger: Logger): (up: boolean) => void {
  let wasUp = true;
  return (up) => {
    if (up === wasUp) return;
    wasUp = up;
    if (up) logger.info('MongoDB reachable again: /health answers 200');
    else logger.warn({ timeoutMs: HEALTH_CHECK_TIMEOUT_MS }, 'MongoDB unreachable: /health answers 503');
  };
}

/**
 * `GET /health`: 200 when MongoDB answers a primary read, else 503, with the state of MongoDB and of
 * Agenda so an operator sees which part is down. Answers within `HEALTH_CHECK_TIMEOUT_MS`.
 */
export function healthHandler(service: string, conn: Connection, agenda: Agenda, logger: Logger): RequestHandler {
  const startedAt = Date.now();
  const logReachability = reachabilityLog(logger);
  return async (_req, res) => {
    const [mongoUp, status] = await Promise.all([
      mongoIsUp(conn).then((up) => {
        logReachability(up);
        return up;
      }),
      // Agenda's stats count its queue in MongoDB: bounded too, or a down MongoDB hangs the answer.
      within(
        agenda.getRunningStats().then(
          (stats) => ({ agenda: 'running', runningJobs: stats.runningJobs as number | null }),
          () => ({ agenda: 'stopped', runningJobs: null }),
        ),
        HEALTH_CHECK_TIMEOUT_MS,
        { agenda: 'unknown', runningJobs: null },
      ),
    ]);
    res.status(mongoUp ? 200 : 503).json({
      service,
      status: mongoUp ? 'ok' : 'unavailable',
      mongo: mongoUp ? 'up' : 'down',
      ...status,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
  };
}
