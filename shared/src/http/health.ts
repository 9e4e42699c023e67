import type { Agenda } from 'agenda';
import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';

/** How long a ping may take before MongoDB is reported down. */
const PING_TIMEOUT_MS = 1_000;

async function mongoIsUp(conn: Connection): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([conn.db.command({ ping: 1 }).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health`: 200 when MongoDB answers a ping, else 503, with the state of MongoDB and of
 * Agenda so an operator sees which part is down.
 */
export function healthHandler(service: string, conn: Connection, agenda: Agenda): RequestHandler {
  const startedAt = Date.now();
  return async (_req, res) => {
    const mongoUp = await mongoIsUp(conn);
    const status = await agenda.getRunningStats().then(
      (stats) => ({ agenda: 'running', runningJobs: stats.runningJobs }),
      () => ({ agenda: 'stopped', runningJobs: null }),
    );
    res.status(mongoUp ? 200 : 503).json({
      service,
      status: mongoUp ? 'ok' : 'unavailable',
      mongo: mongoUp ? 'up' : 'down',
      ...status,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    });
  };
}
