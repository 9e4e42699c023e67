import type { Types } from 'mongoose';
import type { Logger } from '../../../shared/src/logger.js';
import type { DispatchSettings } from '../config.js';
import type { Dispatch } from '../data-access/dispatch.model.js';
import { GamesRateLimitedError, GamesRejectedError, type GamesClient } from '../data-access/games.client.js';
import type { RgsModels } from '../data-access/rgs-models.js';
import { backoffDelayMs } from './backoff.js';
import { ElasticLanes } from './elastic-lanes.js';
import type { Heartbeat } from './game-table-cleanup.service.js';
import { DispatchStatus } from './statuses.js';

/** Added to the call timeout for a claim, in milliseconds. */
const CLAIM_MARGIN_MS = 5_000;

/**
 * Calls to Games a round keeps in flight at most: enough to keep up with several environment chains
 * writing slices at once, since a run writes slices faster than one HTTP call each can send them
 * (fewer leave slices PENDING while a backlog builds). Each call is claimed on its own, so parallel
 * sends never send one row twice.
 */
export const SENDS_IN_FLIGHT = 8;

export type DispatchRecord = Dispatch & { _id: Types.ObjectId };

export interface DispatchRound {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends the outbox to Games. Each due PENDING dispatch is claimed (its next attempt moved past the
 * call's timeout, so a crashed sender's claim expires), sent with its id as the idempotency key and
 * marked SENT with Games' operation id. A failure is retried with exponential backoff up to a cap;
 * only when the attempts are spent does the dispatch become FAILED, with the error. The exception is
 * a call Games rejects as invalid (BAD_USER_INPUT): resending the same content cannot succeed, so it
 * fails at once and waits for a person. Because the
 * same key always yields the same Games operation, a call repeated after a crash or a lost answer
 * changes nothing twice: every id reaches Games exactly once in effect.
 */
export class OutboxDispatcherService {
  /** The lanes of the round running in this process, if any. */
  private running: ElasticLanes | null = null;
  /** Until when Games refuses RGS's calls for its request budget (429): no round claims a row before. */
  private rateLimitedUntil = 0;

  constructor(
    private readonly deps: {
      models: RgsModels;
      games: GamesClient;
      settings: DispatchSettings;
      logger: Logger;
    },
  ) {}

  /**
   * Sends every dispatch due when the round starts, and every new dispatch (never attempted) that
   * commits while the round runs: the round goes on while slices keep arriving, so none waits for a
   * wake-up or the interval. Returns what happened. A dispatch that failed in this round waits for
   * the next one, so an unreachable Games costs one attempt per round, not a spin through the whole
   * retry budget.
   */
  async dispatchDue(heartbeat: Heartbeat = async () => {}): Promise<DispatchRound> {
    const round: DispatchRound = { sent: 0, retried: 0, failed: 0 };
    const roundStart = new Date();
    // Games answering again ends every backoff: first a probe when nothing is due, then the first success.
    if (await this.gamesIsBack(roundStart)) await this.endBackoffs(roundStart);
    let recovered = false;
    // A lane that claims a row adds another (a backlog is sent SENDS_IN_FLIGHT at a time), and
    // `wake` adds one when this process commits a slice; a lane that finds nothing ends.
    const lanes: ElasticLanes = new ElasticLanes(SENDS_IN_FLIGHT, async () => {
      for (let dispatch = await this.claimNext(roundStart); dispatch; dispatch = await this.claimNext(roundStart)) {
        lanes.add();
        const outcome = await this.send(dispatch);
        round[outcome] += 1;
        if (outcome === 'sent' && !recovered) {
          recovered = true;
          await this.endBackoffs(roundStart);
        }
        await heartbeat();
      }
    });
    this.running = lanes;
    try {
      lanes.add();
      await lanes.finished();
    } finally {
      if (this.running === lanes) this.running = null;
    }
    if (round.sent + round.retried + round.failed > 0) this.deps.logger.info({ ...round }, 'outbox round done');
    return round;
  }

  /**
   * A slice was committed in this process: when a round runs here, it gets a lane that claims the
   * slice at once (no job to save, no notification to wait for). False when no round runs here; the
   * caller then wakes the dispatcher through its job.
   */
  wake(): boolean {
    return this.running?.add() ?? false;
  }

  /**
   * Makes dispatches that failed before this round and wait out their backoff due now (as of
   * `roundStart`, so this round sends them): Games answers again. Rows whose call is in flight keep
   * their claim. Returns how many were pulled forward.
   */
  private async endBackoffs(roundStart: Date): Promise<number> {
    const pulled = await this.deps.models.Dispatch.updateMany(
      {
        status: DispatchStatus.PENDING,
        nextAttemptAt: { $gt: roundStart },
        updatedAt: { $lt: roundStart },
        $expr: { $eq: ['$nextAttemptAt', '$backoffUntil'] },
      },
      { $set: { nextAttemptAt: roundStart } },
    );
    if (pulled.modifiedCount > 0) this.deps.logger.info({ dispatches: pulled.modifiedCount }, 'Games answers again: backoffs ended');
    return pulled.modifiedCount;
  }

  /** True when nothing is due yet some dispatches back off, and Games' /health answers. */
  private async gamesIsBack(roundStart: Date): Promise<boolean> {
    if (!this.deps.games.isHealthy) return false;
    const { Dispatch } = this.deps.models;
    const due = await Dispatch.exists({ status: DispatchStatus.PENDING, nextAttemptAt: { $lte: roundStart } });
    if (due) return false;
    const backingOff = await Dispatch.exists({ status: DispatchStatus.PENDING, $expr: { $eq: ['$nextAttemptAt', '$backoffUntil'] } });
    return backingOff != null && (await this.deps.games.isHealthy());
  }

  private async claimNext(roundStart: Date): Promise<DispatchRecord | null> {
    const now = new Date();
    // Every call would be refused until then (the budget is RGS's principal's, not a row's).
    if (now.getTime() < this.rateLimitedUntil) return null;
    // Straight from the driver (every value is of its stored type; `updatedAt` as the schema's
    // timestamps would set it): the row comes back with its 500 boIds, which mongoose would clone.
    return this.deps.models.Dispatch.collection.findOneAndUpdate(
      { status: DispatchStatus.PENDING, $or: [{ nextAttemptAt: { $lte: roundStart } }, { attempts: 0, nextAttemptAt: { $lte: now } }] },
      // The claim outlives the call's timeout, so no other round takes a row whose call is still running.
      { $set: { nextAttemptAt: new Date(now.getTime() + this.deps.settings.timeoutMs + CLAIM_MARGIN_MS), updatedAt: now }, $inc: { attempts: 1 } },
      { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
    ) as Promise<DispatchRecord | null>;
  }

  private async send(dispatch: DispatchRecord): Promise<keyof DispatchRound> {
    const log = this.deps.logger.child({ dispatchId: String(dispatch._id), runId: String(dispatch.runId), attempt: dispatch.attempts });
    const claimed = { _id: dispatch._id, status: DispatchStatus.PENDING, attempts: dispatch.attempts };
    try {
      const operation = await this.deps.games.cleanupGameTables({
        boIds: dispatch.boIds.map(String),
        actionType: dispatch.actionType,
        archivedAt: dispatch.archivedAt,
        idempotencyKey: String(dispatch._id),
      });
      const sentAt = new Date();
      await this.deps.models.Dispatch.collection.updateOne(claimed, {
        $set: { status: DispatchStatus.SENT, gamesOperationId: operation.id, sentAt, lastError: null, updatedAt: sentAt },
      });
      log.info({ gamesOperationId: operation.id, count: dispatch.boIds.length, actionType: dispatch.actionType }, 'dispatch sent to Games');
      return 'sent';
    } catch (err) {
      const lastError = err instanceof Error ? err.message : String(err);
      if (err instanceof GamesRateLimitedError) return this.deferForRateLimit(claimed, err, log);
      const exhausted = dispatch.attempts >= this.deps.settings.maxAttempts || err instanceof GamesRejectedError;
      if (exhausted) {
        await this.deps.models.Dispatch.updateOne(claimed, { $set: { status: DispatchStatus.FAILED, lastError } });
        log.error({ err, count: dispatch.boIds.length }, 'dispatch FAILED: retry budget spent, or Games rejected it for good');
        return 'failed';
      }
      const delay = backoffDelayMs(dispatch.attempts, this.deps.settings.backoffMs, this.deps.settings.backoffMaxMs);
      const retryAt = new Date(Date.now() + delay);
      await this.deps.models.Dispatch.updateOne(claimed, { $set: { lastError, nextAttemptAt: retryAt, backoffUntil: retryAt } });
      log.warn({ err: lastError, retryInMs: delay }, 'dispatch not accepted by Games; will retry');
      return 'retried';
    }
  }

  /**
   * Games said 429: the row is sent again after Retry-After, and the attempt is given back (Games
   * did nothing with it, so it must not spend the retry budget). No `backoffUntil`: Games is up,
   * so its health must not pull the row forward. The other lanes stop claiming until then.
   */
  private async deferForRateLimit(claimed: { _id: Types.ObjectId; status: DispatchStatus; attempts: number }, err: GamesRateLimitedError, log: Logger): Promise<keyof DispatchRound> {
    const retryAt = Date.now() + err.retryAfterMs;
    this.rateLimitedUntil = Math.max(this.rateLimitedUntil, retryAt);
    await this.deps.models.Dispatch.updateOne(claimed, { $set: { lastError: err.message, nextAttemptAt: new Date(retryAt), backoffUntil: null }, $inc: { attempts: -1 } });
    log.warn({ retryInMs: err.retryAfterMs }, 'Games rate-limits RGS (429): dispatch waits for Retry-After');
    return 'retried';
  }
}
