import { describe, expect, it } from '@jest/globals';
import type { Schema } from 'mongoose';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';

/** Every save hook call of the tables archived, in order: `pre <id>` and `post <id>`. */
const events: string[] = [];

/** A GameTable callback, as an integration would add one: it only records when it runs. */
function recordingCallback(schema: Schema): void {
  schema.pre('save', function () {
    events.push(`pre ${String(this._id)}`);
  });
  schema.post('save', function () {
    events.push(`post ${String(this._id)}`);
  });
}

describe('archive batches (the next batch is prepared while the current one is written)', () => {
  const games = useTestGames({ env: { CLEANUP_BATCH_SIZE: '10' }, gameTablePlugins: [recordingCallback] });

  it('When tables already archived are mixed in, then every other table runs pre then post save hooks once, batch after batch, and gets one version', async () => {
    // Arrange: 25 active tables in batches of 10, with 5 already archived tables between them
    const active = await createGameTables(games.models.GameTable, 25);
    const earlier = new Date('2026-01-01T11:11:11.000Z');
    const archived = await createGameTables(games.models.GameTable, 5, { active: false, archivedAt: earlier });
    const ids = [...active.slice(0, 8), ...archived, ...active.slice(8)];
    events.length = 0;

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false });

    // Assert: all succeeded, the archived ones untouched
    const op = res.body.data!.cleanupGameTables;
    expect(op).toMatchObject({ status: 'DEFERRED', failures: [] });
    expect([...op.succeededIds].sort()).toEqual([...ids].sort());
    expect(await games.models.GameTable.countDocuments({ _id: { $in: archived }, archivedAt: earlier })).toBe(5);
    // Assert: hooks in order, full batches of 10, 10 and 5: all pre hooks of a batch, then all its post hooks
    const expected = [active.slice(0, 10), active.slice(10, 20), active.slice(20)].flatMap((batch) => [
      ...batch.map((id) => `pre ${id}`),
      ...batch.map((id) => `post ${id}`),
    ]);
    expect(events).toEqual(expected);
    // Assert: one update version per archived table, carrying the operation
    const versions = await games.models.GameTableVersion.find({ operationId: op.id }).lean();
    expect(versions.map((v) => String(v.gameTableId)).sort()).toEqual([...active].sort());
    for (const version of versions) {
      expect(version).toMatchObject({ event: 'update', changes: { active: [true, false], archivedAt: [null, new Date(ARCHIVED_AT)] } });
    }
  });
});
