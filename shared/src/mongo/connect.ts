import { hostname } from 'node:os';
import mongoose, { type Connection, type mongo } from 'mongoose';
import type { Logger } from '../logger.js';

/** What every process of `service` puts first in its driver appName. */
export const appNamePrefix = (service: string) => `${service}:`;

/**
 * The driver appName of this process of `service`: `<service>:<host>:<pid>`. mongod reports it with
 * every connection and open transaction: an operator sees who holds what (`$currentOp`, mongod's log),
 * and AbandonedTransactions finds the transactions a dead process of the same service left open.
 */
export const processAppName = (service: string) => `${appNamePrefix(service)}${hostname()}:${process.pid}`;

/**
 * Opens a mongoose connection on its own (not the global `mongoose.connection`), so one process can
 * hold the Games and the RGS databases side by side, and tests can open as many as they need.
 */
export async function connectMongo(uri: string, logger: Logger, options: { appName?: string } = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    appName: options.appName,
    serverSelectionTimeoutMS: 10_000,
    // Models declare their indexes; we create them explicitly in ensureIndexes() before serving.
    autoIndex: false,
    autoCreate: false,
  });
  // `disconnecting` comes only from our own close() (shutdown): that end is expected, not a warning.
  let closing = false;
  conn.on('disconnecting', () => (closing = true));
  conn.on('disconnected', () => (closing ? logger.info('MongoDB connection closed') : logger.warn('MongoDB disconnected')));
  conn.on('reconnected', () => logger.info('MongoDB reconnected'));
  await conn.asPromise();
  logRouterReachability(conn.getClient(), logger, () => closing);
  const { version } = await conn.db!.admin().command({ buildInfo: 1 });
  requireSupportedServer(String(version));
  logger.info({ db: conn.name, version }, 'connected to MongoDB');
  return conn;
}

/**
 * mongoose reports a lost connection (`disconnected`, `reconnected`) for a single server and a
 * replica set only; through routers (a sharded cluster) it stays silent. The driver's topology
 * says it: the same two lines when no router is reachable any more, and when one is again.
 */
function logRouterReachability(client: mongo.MongoClient, logger: Logger, closing: () => boolean): void {
  let reachable = true;
  client.on('topologyDescriptionChanged', ({ newDescription }) => {
    if (newDescription.type !== 'Sharded' || closing()) return;
    const now = [...newDescription.servers.values()].some((server) => server.type === 'Mongos');
    if (now === reachable) return;
    reachable = now;
    if (now) logger.info('MongoDB reconnected');
    else logger.warn({ routers: [...newDescription.servers.keys()] }, 'MongoDB disconnected');
  });
}

/**
 * The oldest MongoDB the services run on: Games records a cleanup request with one multi-collection
 * bulk write (shared/src/mongo/client-bulk-write.ts), a command of MongoDB 8.0. Checked at startup,
 * so an older server stops the process with this reason instead of failing every request.
 */
export const MIN_MONGODB_MAJOR = 8;

export function requireSupportedServer(version: string): void {
  const major = Number.parseInt(version, 10);
  if (!(major >= MIN_MONGODB_MAJOR)) throw new Error(`MongoDB ${MIN_MONGODB_MAJOR}.0 or newer is required; this server is ${version}`);
}

/**
 * Creates every registered model's collection and indexes. Collections must exist before the first
 * transaction touches them, and unique indexes (idempotency keys) must exist before the first write.
 */
export async function ensureCollections(conn: Connection): Promise<void> {
  for (const model of Object.values(conn.models)) {
    await model.createCollection().catch((err: { codeName?: string }) => {
      if (err.codeName !== 'NamespaceExists') throw err;
    });
    await model.createIndexes();
  }
}
