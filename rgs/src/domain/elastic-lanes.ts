import { awaitedLater } from './awaited-later.js';

/**
 * Up to `max` copies of one async loop ("lanes") running at once, added on demand. A lane ends when
 * it finds no work; `add()` starts another one while fewer than `max` run, so parallelism follows
 * the backlog: a lane that found work adds one, and so does news of work arriving from outside.
 * `finished()` settles once every lane ever added has ended, and rejects with the first lane's
 * error (after the others ended too, so none is left running unawaited).
 */
export class ElasticLanes {
  private running = 0;
  private readonly ended: Array<Promise<void>> = [];
  private closed = false;
  private lookAgain = false;

  constructor(
    private readonly max: number,
    private readonly lane: () => Promise<void>,
  ) {
    if (max < 1) throw new RangeError(`at least one lane is needed, got ${max}`);
  }

  /**
   * Starts a lane unless `max` are running. False once the lanes have all ended (`finished()`
   * settled or is settling): no lane will look for work any more.
   */
  add(): boolean {
    if (this.closed) return false;
    if (this.running >= this.max) {
      // A running lane may be just finding nothing (its look started before the news): the
      // first lane to end looks once more instead.
      this.lookAgain = true;
      return true;
    }
    this.running += 1;
    // `finished()` reaches a lane added while it waits only after the lanes it waits for: a lane
    // failing before that (MongoDB unreachable) ended the process (RGS in `npm run chaos`, failover).
    this.ended.push(awaitedLater(this.run().finally(() => (this.running -= 1))));
    return true;
  }

  private async run(): Promise<void> {
    do {
      this.lookAgain = false;
      await this.lane();
    } while (this.lookAgain);
  }

  /** Waits for every lane, including lanes added while waiting. */
  async finished(): Promise<void> {
    let failure: { reason: unknown } | null = null;
    while (this.ended.length > 0) {
      for (const outcome of await Promise.allSettled(this.ended.splice(0))) {
        if (outcome.status === 'rejected' && !failure) failure = { reason: outcome.reason };
      }
    }
    // In the turn that saw the last lane end, so no lane can be added that nobody waits for.
    this.closed = true;
    if (failure) throw failure.reason;
  }
}
