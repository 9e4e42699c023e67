import type { ClientSession } from 'mongodb';

/** What runs once each session's transaction commits: registered during its current attempt. */
const pending = new WeakMap<ClientSession, Array<() => Promise<void>>>();

/**
 * Runs `fn` once the transaction `session` is in has committed, as `withTransaction`
 * (with-transaction.ts) runs it: for what must not be seen before the commit, e.g. a wake-up for a
 * job the transaction queues. Forgotten when the attempt aborts (the driver's retry registers it
 * again), and never run in a transaction `withTransaction` did not start. `fn` must not throw.
 */
export function afterCommit(session: ClientSession, fn: () => Promise<void>): void {
  const fns = pending.get(session) ?? [];
  fns.push(fn);
  pending.set(session, fns);
}

/** A new attempt of the session's transaction: what an aborted attempt registered is dropped. */
export function forgetAfterCommit(session: ClientSession): void {
  pending.delete(session);
}

/** The transaction committed: runs what its last attempt registered, in order. */
export async function runAfterCommit(session: ClientSession): Promise<void> {
  const fns = pending.get(session) ?? [];
  pending.delete(session);
  for (const fn of fns) await fn();
}
