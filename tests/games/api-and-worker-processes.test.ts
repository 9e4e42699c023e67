import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLEANUP_GAME_TABLES_JOB } from '../../games/src/entry-points/jobs/cleanup-game-tables.worker.js';
import { ARCHIVED_AT, CLEANUP_MUTATION, OPERATION_QUERY } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { startTestGames, type TestGames } from '../support/games-app.js';
import { freshDatabaseUri } from '../support/mongo.js';

/**
 * The production topology of docs/deployment.md: an API process with RUN_JOBS=false and a worker process,
 * on one database. The API records requests and queues their operations; only the worker runs them.
 */
describe('Games as an API process (RUN_JOBS=false) beside a worker process', () => {
  const mongoUri = freshDatabaseUri('games');
  let api: TestGames;
  let worker: TestGames | undefined;
  let ranByApi = 0;

  beforeAll(async () => {
    api = await startTestGames({ mongoUri, env: { RUN_JOBS: 'false' } });
    api.agenda.on(`start:${CLEANUP_GAME_TABLES_JOB}`, () => (ranByApi += 1));
  });
  afterAll(async () => {
    await api.stop();
    await worker?.stop();
  });

  const operation = async (id: string) => (await api.gql(OPERATION_QUERY, { id })).body.data!.operation;

  it('When the API receives an async request, then it only queues it, and a worker process started later archives it', async () => {
    // Arrange
    const ids = await createGameTables(api.models.GameTable, 5);

    // Act 1: the request reaches the API process alone (its polling and notifications are test-fast)
    const received = (await api.gql(CLEANUP_MUTATION, { ids, actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT })).body.data!.cleanupGameTables;
    await sleep(1_500);

    // Assert 1: queued (the job was committed with the operation), not run
    expect(received).toMatchObject({ status: 'RECEIVED', requestedCount: 5 });
    expect(await operation(received.id)).toMatchObject({ status: 'RECEIVED' });
    const job = await api.conn.db!.collection('agendaJobs').findOne({ name: CLEANUP_GAME_TABLES_JOB, 'data.operationId': received.id });
    expect(job).toMatchObject({ data: { operationId: received.id, actionType: 'ARCHIVE', tables: 5 }, lockedAt: null, lastRunAt: null });
    expect(ranByApi).toBe(0);

    // Act 2: a worker process comes up on the same database
    worker = await startTestGames({ mongoUri });

    // Assert 2: the worker archives it; the API process still ran nothing
    await eventually(() => operation(received.id), (op) => op.status === 'DEFERRED');
    expect(ranByApi).toBe(0);
  });
});
