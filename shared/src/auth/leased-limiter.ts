import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** A lease is this fraction of a key's budget: 1/100, at least one request. */
const LEASE_SHARE = 100;

/** Keys (principals) with a lease held in memory, at most; past it, ended leases are forgotten. */
const LEASES_MAX = 10_000;

/** How many requests one reservation from the shared counter covers, for a budget of `points`. */
export function leaseSize(points: number): number {
  return Math.max(1, Math.floor(points / LEASE_SHARE));
}

interface Lease {
  /** Requests this process may still serve from its reservation. */
  left: number;
  /** When the shared counter's window ends, and the reservation with it (epoch ms). */
  until: number;
  /** The shared budget is spent: refused until `until`. */
  spent: boolean;
}

/**
 * A shared budget (`points` per window, counted by `limiter` in MongoDB), taken by this process a
 * lease at a time: one write to the shared counter reserves `leaseSize(points)` requests, which are
 * then served from memory. So the counter costs one round trip per 1% of the budget instead of one
 * per request, and a busy caller (RGS at full speed) is not slowed by it. Reserved requests are
 * counted at once, so the shared count never lets through more than `points` in a window; a process
 * holding an unused part of a lease makes the others' refusals come up to that much early. Budgets of
 * 100 or less are counted one request at a time, as without leases.
 */
export class LeasedLimiter {
  private readonly size: number;
  private readonly leases = new Map<string, Lease>();
  private readonly reserving = new Map<string, Promise<void>>();

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
  ) {
    this.size = leaseSize(points);
  }

  /** Takes one request of `key`'s budget: 0 when it may go on, otherwise how long to wait (ms). */
  async take(key: string): Promise<number> {
    for (;;) {
      const now = Date.now();
      const lease = this.leases.get(key);
      if (lease && lease.until > now) {
        if (lease.left > 0) {
          lease.left--;
          return 0;
        }
        if (lease.spent) return lease.until - now;
      }
      let reservation = this.reserving.get(key);
      if (!reservation) {
        reservation = this.reserve(key).finally(() => this.reserving.delete(key));
        this.reserving.set(key, reservation);
      }
      // Requests arriving meanwhile wait for the same reservation, then share it.
      await reservation;
    }
  }

  private async reserve(key: string): Promise<void> {
    try {
      const res = await this.limiter.consume(key, this.size);
      this.forgetEnded();
      this.leases.set(key, { left: this.size, until: Date.now() + Math.max(res.msBeforeNext, 1), spent: false });
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The reservation crossed the limit: what was still free before it is this process's, the
      // rest is refused (a rejection answered from memory reports nothing consumed: all refused).
      const freeBefore = rejection.consumedPoints > this.points ? this.points - (rejection.consumedPoints - this.size) : 0;
      const left = Math.min(Math.max(freeBefore, 0), this.size);
      this.forgetEnded();
      this.leases.set(key, { left, until: Date.now() + Math.max(rejection.msBeforeNext, 1), spent: left === 0 });
    }
  }

  private forgetEnded(): void {
    if (this.leases.size < LEASES_MAX) return;
    const now = Date.now();
    for (const [key, lease] of this.leases) if (lease.until <= now) this.leases.delete(key);
  }
}
