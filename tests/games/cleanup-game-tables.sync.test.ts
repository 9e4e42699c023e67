import { describe, expect, it } from '@jest/globals';
import { useTestGames } from '../support/games-app.js';
import { createGameTables } from '../support/game-tables.js';
import { ARCHIVED_AT, CLEANUP_MUTATION as CLEANUP } from '../support/cleanup-mutation.js';


describe('cleanupGameTables with async: false', () => {
  const games = useTestGames();

  it('When valid ids are sent, then every table is archived with the given archivedAt and the operation is DEFERRED', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 3);
    const archivedAt = ARCHIVED_AT;

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

  it('When some ids do not exist, then they become "not found" failures and the others are archived', async () => {
    // Arrange
    const [existing] = await createGameTables(games.models.GameTable, 1);
    const missing = '0000000000000000000000aa';

    // Act
    const res = await games.gql(CLEANUP, { ids: [existing, missing], actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT, async: false });

    // Assert
    const op = res.body.data!.cleanupGameTables;
    expect(op.status).toBe('DEFERRED');
    expect(op.succeededIds).toEqual([existing]);
    expect(op.failures).toEqual([{ gameTableId: missing, message: 'not found' }]);
    const table = await games.models.GameTable.findById(existing).lean();
    expect(table).toMatchObject({ active: false, archivedAt: new Date(ARCHIVED_AT) });
  });

  it('When a table is already archived, then it is left as it is and counts as succeeded', async () => {
    // Arrange
    const earlier = new Date('2026-01-01T11:11:11.000Z');
    const [archived] = await createGameTables(games.models.GameTable, 1, { active: false, archivedAt: earlier });
    const before = await games.models.GameTable.findById(archived).lean();

    // Act
    const res = await games.gql(CLEANUP, { ids: [archived], actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false });

    // Assert
    expect(res.body.data!.cleanupGameTables).toMatchObject({ status: 'DEFERRED', succeededIds: [archived], failures: [] });
    const after = await games.models.GameTable.findById(archived).lean();
    expect(after!.archivedAt).toEqual(earlier);
    expect(after!.updatedAt).toEqual(before!.updatedAt);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: archived, event: 'update' })).toBe(0);
  });

  it('When more ids than one batch are sent, then all are archived across batches', async () => {
    // Arrange: the default batch is 100
    const ids = await createGameTables(games.models.GameTable, 250);

    // Act
    const res = await games.gql(CLEANUP, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false });

    // Assert
    expect(res.body.data!.cleanupGameTables).toMatchObject({ status: 'DEFERRED', processedCount: 250 });
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false, archivedAt: new Date(ARCHIVED_AT) })).toBe(250);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'update' })).toBe(250);
  });
});
