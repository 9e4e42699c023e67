import type { Agenda } from 'agenda';
import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';

/**
 * How long each check may take before it counts as down, in milliseconds. Both run at once, so
 * `/health` answers within about this long in every state (the driver's own server selection
 * would take 10 s when MongoDB is unreachable).
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

function mongoIsUp(conn: Connection): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return Promise.resolve(false);
  return within(
    conn.db.command({ ping: 1 }).then(() => true),
    HEALTH_CHECK_TIMEOUT_MS,
    false,
  );
}

/**
 * `GET /health`: 200 when MongoDB answers a ping, else 503, with the state of MongoDB and of
 * Agenda so an operator sees which part is down. Answers within `HEALTH_CHECK_TIMEOUT_MS`.
 */
export function healthHandler(service: string, conn: Connection, agenda: Agenda): RequestHandler {
  const startedAt = Date.now();
  return async (_req, res) => {
    const [mongoUp, status] = await Promise.all([
      mongoIsUp(conn),
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
