import { describe, expect, it } from '@jest/globals';
import type { Schema } from 'mongoose';
import { ARCHIVED_AT, CLEANUP_MUTATION, OPERATION_QUERY } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';

/** Names of tables whose save callback refuses the change. */
const refused = new Set<string>();
const seen: string[] = [];

/** A GameTable callback, as an integration would add one: it sees every change and may reject it. */
function refusingCallback(schema: Schema): void {
  schema.pre('save', function () {
    seen.push(String(this._id));
    if (refused.has(String(this.get('name')))) {
      throw Object.assign(new Error(`table ${this.get('name')} is locked by compliance`), { gameTableId: this._id });
    }
  });
}

describe('archive rollback when one record fails', () => {
  const games = useTestGames({ env: { CLEANUP_BATCH_SIZE: '10' }, gameTablePlugins: [refusingCallback] });

  const createTables = async (count: number, lockedIndex: number) => {
    const ids = await createGameTables(games.models.GameTable, count);
    const locked = `locked-${ids[lockedIndex]}`;
    await games.models.GameTable.updateOne({ _id: ids[lockedIndex] }, { $set: { name: locked } });
    refused.add(locked);
    return { ids, lockedId: ids[lockedIndex]! };
  };

  const expectNothingArchived = async (ids: string[], operationId: string) => {
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: true, archivedAt: null })).toBe(ids.length);
    expect(await games.models.GameTableVersion.countDocuments({ operationId })).toBe(0);
  };

  it('When a callback throws for one table in a later batch, then the sync operation is FAILED with the reason and nothing is archived', async () => {
    // Arrange: 35 tables in batches of 10; the failing one is in the fourth batch
    const { ids, lockedId } = await createTables(35, 32);

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false });

    // Assert
    const op = res.body.data!.cleanupGameTables;
    expect(op).toMatchObject({ status: 'FAILED', succeededIds: [], processedCount: 0 });
    expect(op.failures).toEqual([{ gameTableId: lockedId, message: expect.stringContaining('locked by compliance') }]);
    expect(seen).toEqual(expect.arrayContaining(ids.slice(0, 30)));
    await expectNothingArchived(ids, op.id);
  });

  it('When a callback throws in an async operation, then the worker marks it FAILED and nothing is archived', async () => {
    // Arrange
    const { ids, lockedId } = await createTables(12, 0);

    // Act
    const received = (await games.gql(CLEANUP_MUTATION, { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT })).body.data!.cleanupGameTables;

    // Assert
    const op = await eventually(
      async () => (await games.gql(OPERATION_QUERY, { id: received.id })).body.data!.operation,
      (o) => o.status === 'FAILED',
    );
    expect(op.failures).toEqual([{ gameTableId: lockedId, message: expect.stringContaining('locked by compliance') }]);
    await expectNothingArchived(ids, op.id);
  });
});
