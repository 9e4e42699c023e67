import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobWithId } from 'agenda';
import { startAgenda } from '../../shared/src/agenda/agenda.js';
import { CLEANUP_GAME_TABLES_JOB, type CleanupGameTablesJobData } from '../../games/src/entry-points/jobs/cleanup-game-tables.worker.js';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { startTestGames, type TestGames } from '../support/games-app.js';
import { freshDatabaseUri } from '../support/mongo.js';

/** Queued before any worker starts: with 8 slots per worker, each worker's queue holds several lock lifetimes of work. */
const OPERATIONS = 80;
const IDS_PER_OPERATION = 20;
/**
 * Each operation takes 3 pauses of 150 ms (4 batches of 5 ids), so the 16 slots of two workers need
 * about 2.5 s for the backlog, twice the lock lifetime below.
 */
const WORKER_ENV = { CLEANUP_LOCK_LIFETIME_MS: '1200', CLEANUP_BATCH_SIZE: '5', CLEANUP_BATCH_PAUSE_MS: '150' };

/**
 * Issue 27, item 6: a job locked while it waits in a worker's local queue is not renewed (the
 * heartbeat renews running jobs only); once its lock expires another worker, or the same one, takes
 * it again, and the operation is attempted twice.
 */
describe('Games workers with a backlog longer than their lock lifetime', () => {
  const mongoUri = freshDatabaseUri('games_backlog');
  const workers: TestGames[] = [];
  let api: TestGames;

  beforeAll(async () => {
    api = await startTestGames({ mongoUri, env: { RUN_JOBS: 'false' } });
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await api.stop();
  });

  it('When more operations are queued than two workers can start within a lock lifetime, then each operation is started once and attempted once', async () => {
    // Arrange: the backlog, queued through the API process alone
    const operationIds: string[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      const ids = await createGameTables(api.models.GameTable, IDS_PER_OPERATION);
      const res = await api.gql(CLEANUP_MUTATION, { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT });
      operationIds.push(res.body.data!.cleanupGameTables.id);
    }
    const starts = new Map<string, number>();

    workers.push(...(await Promise.all([0, 1].map(() => startTestGames({ mongoUri, env: WORKER_ENV, workers: false })))));
    for (const worker of workers) {
      worker.agenda.on(`start:${CLEANUP_GAME_TABLES_JOB}`, (job: JobWithId, remote?: boolean) => {
        if (remote) return; // another process's start, seen through the notification channel
        const { operationId } = job.attrs.data as CleanupGameTablesJobData;
        starts.set(operationId, (starts.get(operationId) ?? 0) + 1);
      });
    }

    // Act: both workers start on it at once
    await Promise.all(workers.map((worker) => startAgenda(worker.agenda)));

    // Assert
    const operations = api.models.AsyncOperation.collection;
    await eventually(() => operations.countDocuments({ status: 'DEFERRED' }), (n) => n === OPERATIONS, { timeoutMs: 45_000, intervalMs: 200 });
    const attempts = await operations.find({}, { projection: { attempts: 1 } }).toArray();
    expect(attempts.filter((op) => op.attempts !== 1).map((op) => ({ id: String(op._id), attempts: op.attempts }))).toEqual([]);
    expect(operationIds.filter((id) => starts.get(id) !== 1).map((id) => ({ id, starts: starts.get(id) ?? 0 }))).toEqual([]);
  });
});
