import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';

/**
 * Opens a mongoose connection on its own (not the global `mongoose.connection`), so one process can
 * hold the Games and the RGS databases side by side, and tests can open as many as they need.
 */
export async function connectMongo(uri: string, logger: Logger): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
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
