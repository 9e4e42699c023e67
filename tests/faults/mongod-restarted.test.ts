import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import { EMBEDDED_MONGODB_VERSION, resolveMongodBinary } from '../../shared/src/mongo/mongod-binary.js';
import { ARCHIVED_AT, CLEANUP_MUTATION, OPERATION_QUERY } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { startTestGames, type TestGames } from '../support/games-app.js';

/**
 * Fault: the MongoDB server restarts under a running Games. A replica set of its own, so the
 * restart does not disturb the other test files.
 */
describe('Games while its mongod restarts', () => {
  let replSet: MongoMemoryReplSet;
  let games: TestGames;
  beforeAll(async () => {
    replSet = await MongoMemoryReplSet.create({
      binary: { systemBinary: resolveMongodBinary({ explicit: process.env.MONGOMS_SYSTEM_BINARY, path: process.env.PATH }), version: EMBEDDED_MONGODB_VERSION },
      replSet: { count: 1, name: 'rs0', storageEngine: 'wiredTiger' },
    });
    games = await startTestGames({ mongoUri: replSet.getUri('games') });
  });
  afterAll(async () => {
    await games.stop().catch(() => {});
    await replSet.stop();
  });

  it('When mongod goes down and comes back, then /health reports it and work resumes without a restart of Games', async () => {
    // Arrange
    const [before] = await createGameTables(games.models.GameTable, 1);
    const server = replSet.servers[0]!;

    // Act: mongod stops
    await server.stop({ doCleanup: false, force: false });

    // Assert: health says so, and a request fails as retryable (503) instead of hanging forever
    const down = await eventually(() => fetch(`${games.url}/health`), (res) => res.status === 503, { timeoutMs: 15_000, intervalMs: 250 });
    expect(await down.json()).toMatchObject({ mongo: 'down' });
    const refused = await games.gql(CLEANUP_MUTATION, { ids: [before], actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false });
    expect(refused.status).toBe(503);
    expect(refused.body.errors![0]!.extensions!.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.body.errors![0]!.message).toMatch(/retry the request/);

    // Act: mongod comes back on the same port with the same data
    await server.start(true);

    // Assert: health recovers and a cleanup runs through the worker to the end
    await eventually(() => fetch(`${games.url}/health`), (res) => res.status === 200, { timeoutMs: 30_000, intervalMs: 250 });
    const [after] = await createGameTables(games.models.GameTable, 1);
    const received = (await games.gql(CLEANUP_MUTATION, { ids: [before, after], actionType: 'DELETE', archivedAt: ARCHIVED_AT })).body.data!
      .cleanupGameTables;
    const op = await eventually(
      async () => (await games.gql(OPERATION_QUERY, { id: received.id })).body.data!.operation,
      (o) => o.status === 'DEFERRED',
      { timeoutMs: 30_000 },
    );
    expect([...op.succeededIds].sort()).toEqual([before, after].sort());
    // The request refused while mongod was down left nothing behind.
    expect(await games.models.IntegrationMessage.countDocuments()).toBe(1);
  });
});
