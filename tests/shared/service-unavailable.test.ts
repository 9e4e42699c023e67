import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { ObjectId } from 'mongodb';
import { processAppName } from '../../shared/src/mongo/connect.js';
import { createGamesClient, GamesRejectedError } from '../../rgs/src/data-access/games.client.js';
import { CleanupAction } from '../../rgs/src/domain/statuses.js';
import { capturedLogger } from '../support/captured-logs.js';
import { OPERATION_QUERY } from '../support/cleanup-mutation.js';
import { createGameTables } from '../support/game-tables.js';
import { startFailPointReplicaSet, type FailPointReplicaSet } from '../support/fail-point-replica-set.js';
import { startTestGames, TEST_GAMES_TOKEN, type TestGames } from '../support/games-app.js';
import { freshDatabaseUri } from '../support/mongo.js';

/** NotWritablePrimary: what a member that stepped down answers while the replica set elects another. */
const NOT_WRITABLE_PRIMARY = 10107;

/**
 * A request that meets a primary election (issue 27): Games answers it as retryable (HTTP 503,
 * SERVICE_UNAVAILABLE, Retry-After), not as an unexpected error, and RGS's Games client retries it.
 * MongoDB's failCommand fail point plays the election, for this process's Games connection only.
 */
describe('a GraphQL request while MongoDB elects a new primary', () => {
  const logs = capturedLogger();
  let mongo: FailPointReplicaSet;
  let games: TestGames;
  beforeAll(async () => {
    mongo = await startFailPointReplicaSet();
    // The API alone: no job reads the collections while a test's fault waits for its request.
    games = await startTestGames({ mongoUri: freshDatabaseUri('games', mongo.uri), logger: logs.logger, workers: false });
  });
  afterEach(async () => {
    await mongo.off();
  });
  afterAll(async () => {
    await games?.stop();
    await mongo?.stop();
  });

  const failNext = (times: number, data: Record<string, unknown>) => mongo.failNext(times, { appName: processAppName('games'), errorCode: NOT_WRITABLE_PRIMARY, ...data });
  const failPointHits = () => mongo.off();

  it('When a query\'s read meets the election (and so does the driver\'s retry), then Games answers 503 SERVICE_UNAVAILABLE with Retry-After and logs a warning, not an unexpected error', async () => {
    // Arrange
    const database = new URL(games.mongoUri).pathname.slice(1);
    await failNext(2, { failCommands: ['find'], namespace: `${database}.asyncoperations` });

    // Act
    const res = await fetch(`${games.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${TEST_GAMES_TOKEN}` },
      body: JSON.stringify({ query: OPERATION_QUERY, variables: { id: new ObjectId().toHexString() } }),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string; extensions: { code: string } }> };

    // Assert: the fault happened (the read and its one retry)
    expect(await failPointHits()).toBe(2);
    // Assert: response — retryable, in the JSON error shape
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('retry'), extensions: { code: 'SERVICE_UNAVAILABLE' } })]);
    // Assert: observability — a warning naming the cause, no "unexpected error"
    expect(logs.lines.find((line) => line.msg?.startsWith('MongoDB unavailable during a GraphQL request'))).toMatchObject({ level: 40, err: { code: NOT_WRITABLE_PRIMARY } });
    expect(logs.lines.filter((line) => line.msg === 'unexpected error in GraphQL request')).toEqual([]);
  });

  it('When cleanupGameTables meets the election inside its transaction, then RGS\'s Games client sees a retryable failure and the repeat is accepted once', async () => {
    // Arrange: the transaction's one write refused, without the label that would let the driver retry it
    const boIds = (await createGameTables(games.models.GameTable, 3, { currency: 'USD' })).map(String);
    const client = createGamesClient({ url: games.url, apiToken: TEST_GAMES_TOKEN, timeoutMs: 10_000 });
    const call = { boIds, actionType: CleanupAction.ARCHIVE, archivedAt: new Date('2026-11-25T11:11:11.000Z'), idempotencyKey: new ObjectId().toHexString() };
    await failNext(1, { failCommands: ['bulkWrite'], errorLabels: [] });

    // Act
    const first = await client.cleanupGameTables(call).then(() => null, (err: unknown) => err);
    const hits = await failPointHits();
    const repeated = await client.cleanupGameTables(call);

    // Assert: the fault happened, and the client reports it as retryable (not rejected for good)
    expect(hits).toBeGreaterThanOrEqual(1); // a client bulk write enters the fail point more than once
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(GamesRejectedError);
    expect((first as Error).message).toMatch(/^Games answered SERVICE_UNAVAILABLE: /);
    // Assert: state — the repeat was recorded once, as one message for the key
    expect(repeated).toMatchObject({ status: 'RECEIVED' });
    expect(await games.models.IntegrationMessage.countDocuments({ idempotencyKey: call.idempotencyKey })).toBe(1);
  });
});
