import type { ClientSession, Connection } from 'mongoose';
import { isWriteConflict, type AbandonedTransactions } from './abandoned-transactions.js';
import { forgetAfterCommit, runAfterCommit } from './after-commit.js';

/**
 * Runs `fn` in one multi-document transaction. The driver's `withTransaction` already retries
 * TransientTransactionError and UnknownTransactionCommitResult, so `fn` may run more than once:
 * keep it idempotent, pass `{ session }` to every read and write, and never call other services or
 * save Agenda jobs inside it (Agenda's `save()` takes no session; `JobsInTransaction` writes a job as
 * part of the transaction).
 *
 * What `fn` registers with `afterCommit` (after-commit.ts) runs once the transaction has committed.
 *
 * With `abandoned`, a write conflict first ends the transactions dead processes left open, so the
 * driver's retry finds the documents free instead of conflicting until mongod's 60 s limit.
 */
export async function withTransaction<T>(conn: Connection, fn: (session: ClientSession) => Promise<T>, abandoned?: AbandonedTransactions): Promise<T> {
  const session = await conn.startSession();
  const attempt = async () => {
    forgetAfterCommit(session);
    try {
      return await fn(session);
    } catch (err) {
      if (abandoned && isWriteConflict(err)) await abandoned.afterWriteConflict();
      throw err;
    }
  };
  try {
    const result = await session.withTransaction(attempt, {
      readConcern: { level: 'snapshot' },
      writeConcern: { w: 'majority' },
      readPreference: 'primary',
    });
    await runAfterCommit(session);
    return result;
  } finally {
    await session.endSession();
  }
}

export type WithTransaction = <T>(fn: (session: ClientSession) => Promise<T>) => Promise<T>;

/** Binds `withTransaction` to a connection, for services that take it as a collaborator. */
export const transactionRunner =
  (conn: Connection, abandoned?: AbandonedTransactions): WithTransaction =>
  (fn) =>
    withTransaction(conn, fn, abandoned);
