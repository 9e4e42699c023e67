import type { Db } from 'mongodb';
import { RateLimiterMemory, RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from './principal.js';

/** The collection both services keep their counters in (MongoDB expires them by TTL). */
export const RATE_LIMITS_COLLECTION = 'ratelimits';

const WINDOW_S = 60;

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
  private readonly requests = new Map<number, RateLimiterMongo>();

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
    const res = await this.failures.get(client);
    return res && res.consumedPoints > this.settings.authFailuresPerMinute ? Math.max(res.msBeforeNext, 1) : 0;
  }

  /** Counts a failed authentication of `client`; how long it is refused when this one crossed the limit. */
  async recordFailure(client: string): Promise<number> {
    return waitOf(this.failures.consume(client));
  }

  /** Counts a request of `principal` against its budget. */
  async consumeRequest(principal: Principal): Promise<number> {
    const perMinute = principal.perMinute ?? this.settings.requestsPerMinute;
    let limiter = this.requests.get(perMinute);
    if (!limiter) {
      limiter = this.limiter(`requests-${perMinute}`, perMinute);
      this.requests.set(perMinute, limiter);
    }
    return waitOf(limiter.consume(principal.name));
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

