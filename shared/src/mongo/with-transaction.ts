import type { ClientSession, Connection } from 'mongoose';

/**
 * Runs `fn` in one multi-document transaction. The driver's `withTransaction` already retries
 * TransientTransactionError and UnknownTransactionCommitResult, so `fn` may run more than once:
 * keep it idempotent, pass `{ session }` to every read and write, and never schedule jobs or call
 * other services inside it.
 */
export async function withTransaction<T>(conn: Connection, fn: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = await conn.startSession();
  try {
    return await session.withTransaction(() => fn(session), {
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority' },
      readPreference: 'primary',
    });
  } finally {
    await session.endSession();
  }
}

export type WithTransaction = <T>(fn: (session: ClientSession) => Promise<T>) => Promise<T>;

/** Binds `withTransaction` to a connection, for services that take it as a collaborator. */
export const transactionRunner = (conn: Connection): WithTransaction => (fn) => withTransaction(conn, fn);
