import { describe, expect, it } from '@jest/globals';
import { OperationStatus } from '../../games/src/domain/cleanup-action.js';
import { AGENDA_JOBS_COLLECTION } from '../../shared/src/agenda/job-heartbeat.js';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';
import { startGamesWorkerProcess, type ServiceProcess } from '../support/service-process.js';

const OPERATIONS = 5;
const TABLES_PER_OPERATION = 100;

/**
 * Fault: SIGTERM to a Games worker with operations in flight. It takes no new job after the
 * signal, hands the running ones over after its drain, releases the ones it had locked but not
 * started, and exits; another worker finishes everything, each table archived once.
 */
describe('a Games worker stopped with SIGTERM while operations run', () => {
  const games = useTestGames({ workers: false });
  // No drain, so the running operations (4 pauses of 400 ms each) are handed over mid-run.
  const startWorker = () =>
    startGamesWorkerProcess(games.mongoUri, { CLEANUP_BATCH_SIZE: '20', CLEANUP_BATCH_PAUSE_MS: '400', SHUTDOWN_DRAIN_MS: '0' });
  const jobs = () => games.conn.db!.collection(AGENDA_JOBS_COLLECTION);

  it('When the signal arrives, then no job starts after it, every job it held is released, and another worker finishes all of them once', async () => {
    // Arrange: five operations, received by the API; one worker process takes them
    const operationIds: string[] = [];
    for (let i = 0; i < OPERATIONS; i += 1) {
      const ids = await createGameTables(games.models.GameTable, TABLES_PER_OPERATION);
      const res = await games.gql(CLEANUP_MUTATION, { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT });
      operationIds.push(res.body.data!.cleanupGameTables.id);
    }
    const first = startWorker();
    const firstName = `games-${first.child.pid}`;
    let second: ServiceProcess | undefined;
    try {
      await eventually(
        () => games.models.AsyncOperation.countDocuments({ _id: { $in: operationIds }, status: OperationStatus.IN_PROGRESS, processedCount: { $gt: 0 } }),
        (running) => running >= 2,
        { timeoutMs: 30_000, intervalMs: 100 },
      );

      // Act
      const signalledAt = new Date();
      const exitCode = await first.stop();

      // Assert: a clean exit; nothing started after the signal; nothing left locked by it
      expect(exitCode).toBe(0);
      expect(await jobs().countDocuments({ name: 'cleanup-game-tables', lastModifiedBy: firstName, lastRunAt: { $gt: signalledAt } })).toBe(0);
      expect(await jobs().countDocuments({ name: 'cleanup-game-tables', lockedAt: { $ne: null } })).toBe(0);
      const unfinished = await games.models.AsyncOperation.find({ _id: { $in: operationIds }, status: { $ne: OperationStatus.DEFERRED } }).lean();
      expect(unfinished.length).toBeGreaterThan(0);
      for (const op of unfinished) {
        const job = await jobs().findOne({ name: 'cleanup-game-tables', 'data.operationId': String(op._id) });
        expect(job!.nextRunAt).not.toBeNull();
      }

      // Act: another worker comes up
      second = startWorker();

      // Assert: every operation finishes, each table archived once, at most one attempt redone
      const done = await eventually(
        () => games.models.AsyncOperation.find({ _id: { $in: operationIds } }).lean(),
        (ops) => ops.every((op) => op.status === OperationStatus.DEFERRED),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      for (const op of done) expect(op.attempts).toBeLessThanOrEqual(2);
      expect(await games.models.GameTableVersion.countDocuments({ operationId: { $in: operationIds }, event: 'update' })).toBe(
        OPERATIONS * TABLES_PER_OPERATION,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- first worker ---\n${first.output()}\n--- second worker ---\n${second?.output() ?? ''}`);
    } finally {
      await first.stop();
      await second?.stop();
    }
  });

  it('When the signal arrives while the worker is still starting, then it finishes starting, stops and exits cleanly', async () => {
    // Arrange: a worker that logs its start-up
    const worker = startGamesWorkerProcess(games.mongoUri, { LOG_LEVEL: 'info' });
    try {
      // Act: SIGTERM (one signal: `stop` sends it) the moment it has connected, before its app (Agenda, HTTP) is up
      await new Promise<void>((resolve) => {
        const onData = (chunk: Buffer) => {
          if (!chunk.toString().includes('connected to MongoDB')) return;
          worker.child.stdout!.off('data', onData);
          resolve();
        };
        worker.child.stdout!.on('data', onData);
      });
      const exitCode = await worker.stop();

      // Assert: not killed by the signal (exit code null) but stopped by its own shutdown
      expect(exitCode).toBe(0);
      expect(worker.output()).toContain('shutting down once start-up is done');
      expect(await jobs().countDocuments({ lockedAt: { $ne: null }, lastModifiedBy: `games-${worker.child.pid}` })).toBe(0);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- worker ---\n${worker.output()}`);
    } finally {
      await worker.stop();
    }
  });
});
