import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, type Db } from 'mongodb';
import type { Principal } from '../../../shared/src/auth/principal.js';
import { RATE_LIMITS_COLLECTION, RateLimits } from '../../../shared/src/auth/rate-limits.js';
import { freshDatabaseUri } from '../../support/mongo.js';

/**
 * The request budget reserved from MongoDB a lease (1% of the budget) at a time. Two RateLimits on
 * one database stand for two processes of one service.
 */
describe('Request budgets: one shared-counter write per 1% of the budget, never more than the budget', () => {
  let client: MongoClient;
  let db: Db;
  const settings = { authFailuresPerMinute: 30, requestsPerMinute: 6_000 };
  const principal = (name: string, perMinute: number): Principal => ({ name, roles: new Set(['viewer']), via: 'api-key', perMinute });
  const counted = async (p: Principal) => (await db.collection(RATE_LIMITS_COLLECTION).findOne({ key: `requests-${p.perMinute}:${p.name}` }))?.points as number | undefined;
  const takeAll = async (limits: RateLimits, p: Principal, n: number) => {
    const waits: number[] = [];
    for (let i = 0; i < n; i++) waits.push(await limits.consumeRequest(p));
    return waits;
  };

  beforeAll(async () => {
    client = await new MongoClient(freshDatabaseUri('leases')).connect();
    db = client.db();
    await new RateLimits(db, settings).init();
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('When a principal with 300 a minute makes 31 requests, then the shared counter moved in leases of 3 (33), not once per request', async () => {
    // Arrange
    const limits = new RateLimits(db, settings);
    const rgs = principal('rgs-a', 300);

    // Act
    const waits = await takeAll(limits, rgs, 31);

    // Assert
    expect(waits.every((w) => w === 0)).toBe(true);
    expect(await counted(rgs)).toBe(33);
  });

  it('When 10 requests of one principal arrive at once, then they share reservations: 4 leases of 3, not 10', async () => {
    // Arrange
    const limits = new RateLimits(db, settings);
    const rgs = principal('rgs-b', 300);

    // Act
    const waits = await Promise.all(Array.from({ length: 10 }, () => limits.consumeRequest(rgs)));

    // Assert
    expect(waits.every((w) => w === 0)).toBe(true);
    expect(await counted(rgs)).toBe(12);
  });

  it('When two processes spend one budget, then together they serve exactly the budget, the last lease only in part, and then both refuse with a wait', async () => {
    // Arrange: 301 a minute gives leases of 3; a takes 297, b reserves the next 3 (300 counted).
    const a = new RateLimits(db, settings);
    const b = new RateLimits(db, settings);
    const rgs = principal('rgs-c', 301);
    await takeAll(a, rgs, 297);
    const bFirst = await b.consumeRequest(rgs);

    // Act: a's next reservation crosses the limit; one of its three requests was still free.
    const aAfter = await takeAll(a, rgs, 3);
    const bAfter = await takeAll(b, rgs, 3);

    // Assert: 297 + 1 + 1 (a) + 2 (b) = 301 served, then refusals with the window's wait.
    expect(bFirst).toBe(0);
    expect(aAfter[0]).toBe(0);
    expect(aAfter.slice(1).every((w) => w > 0 && w <= 60_000)).toBe(true);
    expect(bAfter.slice(0, 2)).toEqual([0, 0]);
    expect(bAfter[2]).toBeGreaterThan(0);
  });

  it('When the budget is 100 or less, then every request is counted in MongoDB as it comes (no lease)', async () => {
    // Arrange
    const limits = new RateLimits(db, settings);
    const small = principal('small', 100);

    // Act
    await takeAll(limits, small, 7);

    // Assert
    expect(await counted(small)).toBe(7);
  });
});
