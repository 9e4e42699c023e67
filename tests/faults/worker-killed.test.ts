import { describe, expect, it } from '@jest/globals';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';

const STALLED_QUERY = `query Stalled($id: ID!) { operation(id: $id) { stalled } }`;
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';
import { metricValue, scrapeMetrics } from '../support/metrics.js';
import { startGamesWorkerProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * Fault: the Games worker process is killed with SIGKILL in the middle of an operation. Its
 * transaction never commits, so nothing is half-done; another worker process takes the job over
 * when the lock expires, and the operation finishes with every table archived exactly once.
 */
describe('a Games worker killed with SIGKILL mid-operation', () => {
  // The API in this process (no workers); the workers are real processes on the same database.
  const games = useTestGames({ workers: false });
  const startWorker = () =>
    startGamesWorkerProcess(games.mongoUri, {
      CLEANUP_BATCH_PAUSE_MS: '300',
      // Longer than the test server's transactionLifetimeLimitSeconds (5 s): the killed worker's
      // transaction can hold its locks that long, and the next worker must not lose its lock meanwhile.
      CLEANUP_LOCK_LIFETIME_MS: '8000',
      AGENDA_PROCESS_EVERY_MS: '200',
    });
  const operation = (id: string) => games.models.AsyncOperation.findById(id).lean();
  const stalled = async (id: string) => (await games.gql(STALLED_QUERY, { id })).body.data!.operation.stalled as boolean;

  it('When the worker dies mid-run, then nothing is archived until another worker takes over and archives every table once', async () => {
    // Arrange: 500 tables in 10 batches with pauses, so the run takes a few seconds
    const ids = await createGameTables(games.models.GameTable, 500);
    const received = (await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT })).body.data!.cleanupGameTables;
    const first = startWorker();
    let second: ServiceProcess | undefined;
    try {
      await eventually(() => operation(received.id), (op) => op?.status === 'IN_PROGRESS' && op.processedCount > 0, { timeoutMs: 30_000 });

      // Act: kill it mid-transaction
      await first.kill9();

      // Assert: the uncommitted transaction left no table archived and no version written
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false })).toBe(0);
      expect(await games.models.GameTableVersion.countDocuments({ operationId: received.id })).toBe(0);
      expect((await operation(received.id))!.status).toBe('IN_PROGRESS');

      // Assert: with no heartbeat on its lock, the API reports the operation stalled, and so do the metrics
      await eventually(() => stalled(received.id), (isStalled) => isStalled === true, { timeoutMs: 30_000, intervalMs: 200 });
      expect(metricValue((await scrapeMetrics(games.url)).text, 'agenda_jobs_stalled', { name: 'cleanup-game-tables' })).toBe(1);

      // Act: a new worker process comes up
      second = startWorker();

      // Assert: it takes the job over once the lock expires and finishes it
      const done = await eventually(() => operation(received.id), (op) => op?.status === 'DEFERRED', { timeoutMs: 60_000, intervalMs: 200 });
      expect(done!.attempts).toBe(2);
      expect(done!.succeededIds).toHaveLength(500);
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false, archivedAt: new Date(ARCHIVED_AT) })).toBe(500);
      expect(await games.models.GameTableVersion.countDocuments({ operationId: received.id, event: 'update' })).toBe(500);
      expect(await stalled(received.id)).toBe(false);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- first worker ---\n${first.output()}\n--- second worker ---\n${second?.output() ?? ''}`);
    } finally {
      await first.stop();
      expect(await second?.stop()).not.toBe(1);
    }
  });
});
