import type { MongoClient } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Logger } from '../logger.js';
import { appNamePrefix } from './connect.js';

/**
 * How long a transaction of ours may sit idle before it counts as abandoned (its process died).
 * Longer than an election (seconds; docs/benchmarks.md, recovery), during which live transactions wait too: ending a session
 * whose next command is already on its way interrupts that command, which is not retried. Shorter
 * than a job lock's takeover (30 s after the dead process's last renewal, every 10 s), so the
 * worker that takes a dead one's job over finds its transaction already past the limit.
 */
export const ABANDONED_AFTER_MS = 20_000;

/** At most one look for abandoned transactions per this long, however many conflicts come. */
const LOOK_AT_MOST_EVERY_MS = 1_000;

export interface AbandonedTransactionsOptions {
  /**
   * The service whose processes' transactions may be ended (their appName is `processAppName(service)`),
   * never another application's on the same cluster.
   */
  service: string;
  /** Idle longer than this, a transaction is abandoned (default ABANDONED_AFTER_MS). */
  abandonedAfterMs?: number;
  logger: Logger;
}

/**
 * Ends the transactions that dead processes of this service left open.
 *
 * A process killed inside a transaction (kill -9, OOM, a lost host) leaves it open on mongod, its
 * documents write-locked, until mongod aborts it at `transactionLifetimeLimitSeconds` (60 s by
 * default). The worker that takes the dead one's job over meanwhile gets a WriteConflict on every
 * attempt at the same documents, so without this, recovery waits for mongod's limit, not for the lock.
 *
 * Our transactions never wait between their commands, so one idle for seconds belongs to a process
 * that is gone. After a write conflict, this finds this service's idle transactions in `$currentOp`
 * (mongod reports each one's appName) and kills their sessions. If the process was only stalled,
 * its commit fails as a transient error and the driver retries the whole transaction: ending one
 * is always safe, it only costs a retry. Both commands need no privilege beyond the user's own
 * sessions; where they are refused, mongod's own limit still applies and a warning says so.
 */
export class AbandonedTransactions {
  private looking: Promise<number> | null = null;
  private lastLookAt = 0;
  private refusalLogged = false;

  constructor(
    private readonly client: MongoClient,
    private readonly options: AbandonedTransactionsOptions,
  ) {}

  /**
   * After a write conflict: ends abandoned transactions, looking at most once a second. Never
   * throws: the caller rethrows its write conflict, whose transient label makes the driver retry the
   * transaction, and a look that fails (mongod unreachable mid-failover) must not replace it.
   */
  async afterWriteConflict(): Promise<void> {
    if (this.looking) {
      await this.looking;
      return;
    }
    if (Date.now() - this.lastLookAt < LOOK_AT_MOST_EVERY_MS) return;
    this.lastLookAt = Date.now();
    this.looking = this.end()
      .catch((err: unknown) => {
        this.options.logger.warn({ err }, 'could not look for abandoned transactions; the transaction is retried all the same');
        return 0;
      })
      .finally(() => (this.looking = null));
    await this.looking;
  }

  /** Kills the sessions of this service's transactions idle longer than the limit; returns how many. */
  async end(): Promise<number> {
    const idleMicros = (this.options.abandonedAfterMs ?? ABANDONED_AFTER_MS) * 1_000;
    try {
      const abandoned = await this.client
        .db('admin')
        .aggregate<{ lsid: unknown; appName: string; transaction: { timeInactiveMicros: number } }>([
          { $currentOp: { idleSessions: true, idleConnections: false } },
          {
            $match: {
              type: 'idleSession',
              appName: { $regex: `^${escapeRegExp(appNamePrefix(this.options.service))}` },
              'transaction.timeInactiveMicros': { $gte: idleMicros },
            },
          },
          { $project: { lsid: 1, appName: 1, 'transaction.timeInactiveMicros': 1 } },
        ])
        .toArray();
      if (abandoned.length === 0) return 0;
      await this.client.db('admin').command({ killSessions: abandoned.map((op) => op.lsid) });
      this.options.logger.warn(
        { transactions: abandoned.map((op) => ({ appName: op.appName, idleMs: Math.round(op.transaction.timeInactiveMicros / 1_000) })) },
        'ended transactions left open by a stopped process; their documents are writable again',
      );
      return abandoned.length;
    } catch (err) {
      if (!(err instanceof MongoServerError)) throw err;
      if (!this.refusalLogged) {
        this.refusalLogged = true;
        this.options.logger.warn({ err }, 'cannot end abandoned transactions; mongod aborts them at transactionLifetimeLimitSeconds');
      }
      return 0;
    }
  }
}

/** True for the conflict an abandoned transaction causes: another transaction holds the document. */
export function isWriteConflict(err: unknown): boolean {
  return err instanceof MongoServerError && err.codeName === 'WriteConflict';
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
