import { describe, expect, it } from '@jest/globals';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';
import { startGamesWorkerProcess } from '../support/service-process.js';

/** Two Games worker processes on one database share the queue: each operation runs exactly once. */
describe('two Games worker processes on one database', () => {
  const games = useTestGames({ workers: false });
  const startWorker = () => startGamesWorkerProcess(games.mongoUri, { CLEANUP_BATCH_PAUSE_MS: '50' });

  it('When both workers poll the same queue, then every operation is archived once, by one attempt', async () => {
    // Arrange: eight operations of 100 tables each, queued before any worker runs
    const operations = [];
    for (let i = 0; i < 8; i++) {
      const ids = await createGameTables(games.models.GameTable, 100);
      const res = await games.gql(CLEANUP_MUTATION, { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT });
      operations.push({ id: res.body.data!.cleanupGameTables.id as string, ids });
    }

    // Act
    const workers = [startWorker(), startWorker()];
    try {
      const ids = operations.map((op) => op.id);
      const done = await eventually(
        () => games.models.AsyncOperation.find({ _id: { $in: ids } }).lean(),
        (ops) => ops.every((op) => op.status === 'DEFERRED'),
        { timeoutMs: 60_000, intervalMs: 200 },
      );

      // Assert
      expect(done.map((op) => op.attempts)).toEqual(Array(8).fill(1));
      for (const { id, ids: tableIds } of operations) {
        expect(await games.models.GameTableVersion.countDocuments({ operationId: id, event: 'update' })).toBe(100);
        expect(await games.models.GameTable.countDocuments({ _id: { $in: tableIds }, active: false })).toBe(100);
      }
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- workers ---\n${workers.map((w) => w.output()).join('\n---\n')}`);
    } finally {
      // SIGTERM: both shut down cleanly.
      for (const code of await Promise.all(workers.map((w) => w.stop()))) expect(code).toBe(0);
    }
  });
});
