import { hostname } from 'node:os';
import mongoose, { type Connection } from 'mongoose';
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
  conn.on('disconnected', () => logger.warn('MongoDB disconnected'));
  conn.on('reconnected', () => logger.info('MongoDB reconnected'));
  await conn.asPromise();
  logger.info({ db: conn.name }, 'connected to MongoDB');
  return conn;
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
