import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestGames, type TestGames } from '../support/games-app.js';
import { createGameTables } from '../support/game-tables.js';

const CLEANUP = `mutation Cleanup($ids: [ID!]!, $actionType: CleanupAction!, $archivedAt: DateTimeISO!, $async: Boolean) {
  cleanupGameTables(ids: $ids, actionType: $actionType, archivedAt: $archivedAt, async: $async) {
    id status actionType archivedAt async requestedCount processedCount succeededIds attempts
    failures { gameTableId message }
    message { id actionType archivedAt gameTableIds idempotencyKey }
  }
}`;

describe('cleanupGameTables with async: false', () => {
  let games: TestGames;
  beforeAll(async () => {
    games = await startTestGames();
  });
  afterAll(async () => {
    await games.stop();
  });

  it('When valid ids are sent, then every table is archived with the given archivedAt and the operation is DEFERRED', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 3);
    const archivedAt = '2026-11-25T11:11:11.000Z';

    // Act
    const res = await games.gql(CLEANUP, { ids, actionType: 'DELETE', archivedAt, async: false });

    // Assert: response
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const op = res.body.data!.cleanupGameTables;
    expect(op).toMatchObject({ status: 'DEFERRED', actionType: 'DELETE', archivedAt, async: false, requestedCount: 3, processedCount: 3, attempts: 1, failures: [] });
    expect([...op.succeededIds].sort()).toEqual([...ids].sort());
    expect(op.message).toMatchObject({ actionType: 'DELETE', archivedAt, gameTableIds: ids, idempotencyKey: null });
    // Assert: state
    const tables = await games.models.GameTable.find({ _id: { $in: ids } }).lean();
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      expect(table.active).toBe(false);
      expect(table.archivedAt?.toISOString()).toBe(archivedAt);
    }
  });
});
