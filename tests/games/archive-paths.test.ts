import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { useTestGames, type TestGames } from '../support/games-app.js';

/** A callback that changes nothing: its presence alone sends every record through the save middleware. */
const noOpCallback = (): void => {};

const EARLIER = new Date('2026-01-01T11:11:11.000Z');

/** A stored table as any writer may have left it: `active` and `archivedAt` set, unset or missing. */
const storedTable = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 8 }).filter((name) => name.trim().length > 0),
    currency: fc.constantFrom('EUR', 'USD'),
    active: fc.boolean(),
    archivedAt: fc.constantFrom(null, EARLIER, new Date(ARCHIVED_AT)),
  },
  { requiredKeys: ['name', 'currency'] },
);

/** What one cleanup leaves: the operation, the tables and their versions, without instants of the run. */
async function cleanupOutcome(games: TestGames, tables: Array<Record<string, unknown> & { _id: Types.ObjectId }>, ids: string[]) {
  await games.models.GameTable.collection.insertMany(tables.map((table) => ({ ...table })));
  const res = await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false });
  const operation = res.body.data!.cleanupGameTables;
  const storedIds = tables.map((table) => table._id);
  const stored = await games.models.GameTable.collection.find({ _id: { $in: storedIds } }, { projection: { updatedAt: 0 } }).sort({ _id: 1 }).toArray();
  const versions = await games.models.GameTableVersion.collection
    .find({ gameTableId: { $in: storedIds } }, { projection: { _id: 0, createdAt: 0, operationId: 0 } })
    .sort({ gameTableId: 1 })
    .toArray();
  const authors = await games.models.GameTableVersion.collection.distinct('operationId', { gameTableId: { $in: storedIds } });
  return {
    status: operation.status,
    succeeded: [...operation.succeededIds].sort(),
    failures: operation.failures,
    stored,
    versions,
    authoredByTheOperation: authors.every((author) => String(author) === operation.id),
  };
}

describe('archive paths (save middleware when the model has callbacks, versions built directly when it has none)', () => {
  // Batches of 3, so arbitrary tables span several batches and the prepared-while-writing overlap.
  const direct = useTestGames({ env: { CLEANUP_BATCH_SIZE: '3' } });
  const middleware = useTestGames({ env: { CLEANUP_BATCH_SIZE: '3' }, gameTablePlugins: [noOpCallback] });

  it('When the same tables are archived by either path, then tables, versions and the operation are identical', async () => {
    // Arrange: the two paths really differ
    expect(direct.models.GameTable.hasCallbacks).toBe(false);
    expect(middleware.models.GameTable.hasCallbacks).toBe(true);

    await fc.assert(
      fc.asyncProperty(fc.array(storedTable, { minLength: 1, maxLength: 12 }), fc.nat({ max: 2 }), async (shapes, unknownIds) => {
        // Arrange: the same documents (same ids) in both databases, plus ids nobody stored
        const tables = shapes.map((shape) => ({ _id: new Types.ObjectId(), createdAt: EARLIER, updatedAt: EARLIER, ...shape }));
        const ids = [...tables.map((table) => String(table._id)), ...Array.from({ length: unknownIds }, () => String(new Types.ObjectId()))];

        // Act
        const viaDirect = await cleanupOutcome(direct, tables, ids);
        const viaMiddleware = await cleanupOutcome(middleware, tables, ids);

        // Assert
        expect(viaDirect).toEqual(viaMiddleware);
        expect(viaDirect.status).toBe('DEFERRED');
        expect(viaDirect.authoredByTheOperation).toBe(true);
        const archivedBefore = (table: { active?: boolean; archivedAt?: Date | null }) => table.active === false && table.archivedAt != null;
        expect(viaDirect.stored).toEqual(
          tables.map(({ updatedAt: _updatedAt, ...table }) => (archivedBefore(table) ? table : { ...table, active: false, archivedAt: new Date(ARCHIVED_AT) })),
        );
      }),
      { numRuns: 30 },
    );
  });
});
