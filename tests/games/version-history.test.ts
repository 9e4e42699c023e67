import { describe, expect, it } from '@jest/globals';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';

describe('game table version history', () => {
  const games = useTestGames();

  it('When a table is created, then a create version records its fields and no operation', async () => {
    // Act
    const [id] = await createGameTables(games.models.GameTable, 1, { currency: 'usd' });

    // Assert
    const versions = await games.models.GameTableVersion.find({ gameTableId: id }).lean();
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      event: 'create',
      operationId: null,
      changes: { name: [null, 'Table 1'], currency: [null, 'USD'], active: [null, true] },
    });
  });

  it('When a cleanup archives a table, then an update version records before/after and the operation id, visible through the API', async () => {
    // Arrange
    const [id] = await createGameTables(games.models.GameTable, 1);

    // Act
    const op = (await games.gql(CLEANUP_MUTATION, { ids: [id], actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false })).body.data!
      .cleanupGameTables;
    const res = await games.gql(`query($id: ID!) { gameTable(id: $id) { id active archivedAt versions { event changes operationId gameTableId } } }`, { id });

    // Assert
    const table = res.body.data!.gameTable;
    expect(table).toMatchObject({ id, active: false, archivedAt: ARCHIVED_AT });
    expect(table.versions.map((v: { event: string }) => v.event)).toEqual(['create', 'update']);
    expect(table.versions[1]).toEqual({
      event: 'update',
      gameTableId: id,
      operationId: op.id,
      changes: { active: [true, false], archivedAt: [null, ARCHIVED_AT] },
    });
  });

  it('When a table is changed and destroyed by hand, then update and destroy versions are written', async () => {
    // Arrange
    const [id] = await createGameTables(games.models.GameTable, 1);
    const table = await games.models.GameTable.findById(id);

    // Act
    table!.name = 'Renamed';
    await table!.save();
    await table!.deleteOne();

    // Assert
    const versions = await games.models.GameTableVersion.find({ gameTableId: id }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(versions.map((v) => v.event)).toEqual(['create', 'update', 'destroy']);
    expect(versions[1]!.changes).toEqual({ name: ['Table 1', 'Renamed'] });
    expect(versions[2]!.changes).toMatchObject({ name: ['Renamed', null], active: [true, null] });
  });
});
