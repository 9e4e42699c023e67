import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';

describe('cleanupGameTables idempotency', () => {
  const games = useTestGames();

  it('When the same idempotencyKey is sent again, then the first operation is returned and nothing new is stored', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 2);
    const idempotencyKey = randomUUID();
    const request = { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false, idempotencyKey };
    const first = (await games.gql(CLEANUP_MUTATION, request)).body.data!.cleanupGameTables;

    // Act
    const again = await games.gql(CLEANUP_MUTATION, { ...request, ids: [...ids].reverse() });

    // Assert
    expect(again.body.data!.cleanupGameTables.id).toBe(first.id);
    expect(again.body.data!.cleanupGameTables.status).toBe('DEFERRED');
    expect(again.body.data!.cleanupGameTables.message.idempotencyKey).toBe(idempotencyKey);
    expect(await games.models.IntegrationMessage.countDocuments({ idempotencyKey })).toBe(1);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'update' })).toBe(2);
  });

  it('When the same idempotencyKey arrives twice at the same time, then both get the same single operation', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 2);
    const request = { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT, idempotencyKey: randomUUID() };

    // Act
    const [a, b] = await Promise.all([games.gql(CLEANUP_MUTATION, request), games.gql(CLEANUP_MUTATION, request)]);

    // Assert
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    expect(a.body.data!.cleanupGameTables.id).toBe(b.body.data!.cleanupGameTables.id);
    expect(await games.models.AsyncOperation.countDocuments({ _id: a.body.data!.cleanupGameTables.id })).toBe(1);
    expect(await games.models.IntegrationMessage.countDocuments({ idempotencyKey: request.idempotencyKey })).toBe(1);
  });

  it('When an idempotencyKey is reused for a different request, then it fails with BAD_USER_INPUT and stores nothing', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 2);
    const idempotencyKey = randomUUID();
    await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, idempotencyKey });

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids: ids.slice(0, 1), actionType: 'DELETE', archivedAt: ARCHIVED_AT, idempotencyKey });

    // Assert
    expect(res.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toMatch(/already used for a different request/);
    expect(await games.models.IntegrationMessage.countDocuments({ idempotencyKey })).toBe(1);
  });
});
