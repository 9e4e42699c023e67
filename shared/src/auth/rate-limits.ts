import type { Db } from 'mongodb';
import { RateLimiterMemory, RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { LeasedLimiter } from './leased-limiter.js';
import type { Principal } from './principal.js';

/** The collection both services keep their counters in (MongoDB expires them by TTL). */
export const RATE_LIMITS_COLLECTION = 'ratelimits';

const WINDOW_S = 60;

/**
 * How long this process trusts that an address had no failure budget spent, in milliseconds: a
 * caller sending many requests (RGS) is looked up once per this instead of on every request. Its
 * own failures here are counted in MongoDB at once; failures in another process reach this one at
 * most this late.
 */
const NOT_BLOCKED_TRUST_MS = 1_000;

/** Addresses remembered as not blocked, at most; beyond it the oldest are forgotten. */
const NOT_BLOCKED_MAX = 10_000;

export interface RateLimitSettings {
  /** Failed authentications per client address and minute, before the address is refused for a minute. */
  authFailuresPerMinute: number;
  /** Requests per principal and minute, unless the principal's key entry sets `perMinute`. */
  requestsPerMinute: number;
}

/**
 * Counts failed authentications per client address and requests per principal in MongoDB, so every
 * process of a service shares the counts. When MongoDB cannot answer, each process counts in
 * memory meanwhile (rate-limiter-flexible's insurance limiter): limits still hold, per process.
 * Every method returns how long the caller must wait, in milliseconds; 0 when it may go on.
 */
export class RateLimits {
  private readonly failures: RateLimiterMongo;
  private readonly requests = new Map<number, LeasedLimiter>();
  /** Address → until when it is known to have no failed authentication counted (this process's view). */
  private readonly notBlockedUntil = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly settings: RateLimitSettings,
  ) {
    this.failures = this.limiter('auth-failures', settings.authFailuresPerMinute);
  }

  /** Creates the counters' indexes (a unique key and the TTL on `expire`) before traffic. */
  async init(): Promise<void> {
    await this.failures.createIndexes();
  }

  /** How long `client` stays refused for its failed authentications. */
  async failureBlock(client: string): Promise<number> {
    const now = Date.now();
    if ((this.notBlockedUntil.get(client) ?? 0) > now) return 0;
    const res = await this.failures.get(client);
    if (!res || res.consumedPoints === 0) this.rememberNotBlocked(client, now + NOT_BLOCKED_TRUST_MS);
    return res && res.consumedPoints > this.settings.authFailuresPerMinute ? Math.max(res.msBeforeNext, 1) : 0;
  }

  /** Counts a failed authentication of `client`; how long it is refused when this one crossed the limit. */
  async recordFailure(client: string): Promise<number> {
    this.notBlockedUntil.delete(client);
    return waitOf(this.failures.consume(client));
  }

  /** Counts a request of `principal` against its budget, reserved from MongoDB 1% at a time (LeasedLimiter). */
  async consumeRequest(principal: Principal): Promise<number> {
    const perMinute = principal.perMinute ?? this.settings.requestsPerMinute;
    let limiter = this.requests.get(perMinute);
    if (!limiter) {
      limiter = new LeasedLimiter(this.limiter(`requests-${perMinute}`, perMinute), perMinute);
      this.requests.set(perMinute, limiter);
    }
    return limiter.take(principal.name);
  }

  private rememberNotBlocked(client: string, until: number): void {
    if (this.notBlockedUntil.size >= NOT_BLOCKED_MAX) {
      const oldest = this.notBlockedUntil.keys().next().value;
      if (oldest !== undefined) this.notBlockedUntil.delete(oldest);
    }
    this.notBlockedUntil.delete(client);
    this.notBlockedUntil.set(client, until);
  }

  private limiter(keyPrefix: string, points: number): RateLimiterMongo {
    return new RateLimiterMongo({
      storeClient: this.db,
      tableName: RATE_LIMITS_COLLECTION,
      keyPrefix,
      points,
      duration: WINDOW_S,
      // Indexes are created once by init(), awaited, not by every limiter in the background.
      disableIndexesCreation: true,
      // Once over the limit in this process, refused without asking MongoDB until the window ends.
      inMemoryBlockOnConsumed: points + 1,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_S }),
    });
  }
}

async function waitOf(consumed: Promise<RateLimiterRes>): Promise<number> {
  try {
    await consumed;
    return 0;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(rejection.msBeforeNext, 1);
    throw rejection;
  }
}

