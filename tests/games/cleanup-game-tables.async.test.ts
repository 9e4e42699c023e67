import { describe, expect, it } from '@jest/globals';
import { ARCHIVED_AT, CLEANUP_MUTATION, OPERATION_QUERY } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';

describe('cleanupGameTables with async: true (the default)', () => {
  const games = useTestGames();

  it('When the request is accepted, then it returns RECEIVED at once, the worker archives it to DEFERRED and leaves its job finished, as history', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 120);

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT });

    // Assert: response
    const received = res.body.data!.cleanupGameTables;
    expect(received).toMatchObject({ status: 'RECEIVED', async: true, requestedCount: 120, processedCount: 0, attempts: 0 });
    // Assert: final state
    const done = await eventually(
      async () => (await games.gql(OPERATION_QUERY, { id: received.id })).body.data!.operation,
      (op) => op.status === 'DEFERRED',
    );
    expect(done).toMatchObject({ processedCount: 120, attempts: 1, failures: [] });
    expect([...done.succeededIds].sort()).toEqual([...ids].sort());
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false, archivedAt: new Date(ARCHIVED_AT) })).toBe(120);
    // Assert: the finished run's job stays as history for Agendash (JOB_HISTORY_HOURS): finished, never due again
    const jobs = () => games.conn.db!.collection('agendaJobs').find({ name: 'cleanup-game-tables', 'data.operationId': received.id }).toArray();
    const [job] = await eventually(jobs, (found) => found.length === 1 && found[0]!.lastFinishedAt != null);
    expect(job).toMatchObject({ nextRunAt: null, lockedAt: null });
  });

  it('When the operation is queried by status, then it is listed newest first', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 1);
    const first = (await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false })).body.data!.cleanupGameTables;
    const [other] = await createGameTables(games.models.GameTable, 1);
    const second = (await games.gql(CLEANUP_MUTATION, { ids: [other], actionType: 'DELETE', archivedAt: ARCHIVED_AT, async: false })).body.data!.cleanupGameTables;

    // Act
    const page1 = await games.gql(`{ operations(status: DEFERRED, actionType: DELETE, first: 1) { id } }`);
    const page2 = await games.gql(`query($after: ID) { operations(status: DEFERRED, actionType: DELETE, first: 1, after: $after) { id } }`, {
      after: page1.body.data!.operations[0].id,
    });

    // Assert
    expect(page1.body.data!.operations).toEqual([{ id: second.id }]);
    expect(page2.body.data!.operations).toEqual([{ id: first.id }]);
  });
});
