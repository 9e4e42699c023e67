import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { createLogger } from '../../shared/src/logger.js';
import { transactionRunner } from '../../shared/src/mongo/with-transaction.js';
import { ArchiveOperationService } from '../../games/src/domain/archive-operation.service.js';
import { OperationStatus } from '../../games/src/domain/cleanup-action.js';
import { RunAbandonedError } from '../../games/src/domain/errors.js';
import { ARCHIVED_AT, CLEANUP_MUTATION, OPERATION_QUERY } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { startTestGames, type TestGames } from '../support/games-app.js';

describe('operation status guards and recovery', () => {
  let games: TestGames;
  let archiver: ArchiveOperationService;
  beforeAll(async () => {
    // No worker in this process: the tests play the worker's part themselves.
    games = await startTestGames({ workers: false });
    archiver = new ArchiveOperationService({
      models: games.models,
      withTransaction: transactionRunner(games.conn),
      logger: createLogger({ name: 'test', level: 'silent' }),
      options: { batchSize: 100, batchPauseMs: 0 },
    });
  });
  afterAll(async () => {
    await games.stop();
  });

  const receive = async (count: number) => {
    const ids = await createGameTables(games.models.GameTable, count);
    const op = (await games.gql(CLEANUP_MUTATION, { ids, actionType: 'DELETE', archivedAt: ARCHIVED_AT })).body.data!.cleanupGameTables;
    return { ids, operationId: new Types.ObjectId(op.id as string) };
  };

  it('When a duplicate worker runs an operation that is already DEFERRED, then nothing is archived again', async () => {
    // Arrange
    const { ids, operationId } = await receive(3);
    await archiver.run(operationId);

    // Act
    const again = await archiver.run(operationId);

    // Assert
    expect(again.status).toBe(OperationStatus.DEFERRED);
    expect(again.attempts).toBe(1);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'update' })).toBe(3);
  });

  it('When the job names no message (queued by an earlier version) or another one, then each operation archives the tables of its own message', async () => {
    // Arrange
    const first = await receive(3);
    const second = await receive(4);
    const messageOf = async (operationId: Types.ObjectId) => (await games.models.AsyncOperation.findById(operationId).lean())!.messageId;

    // Act
    const named = await archiver.run(first.operationId, undefined, { messageId: await messageOf(second.operationId) });
    const unnamed = await archiver.run(second.operationId);

    // Assert
    expect([named.status, unnamed.status]).toEqual([OperationStatus.DEFERRED, OperationStatus.DEFERRED]);
    expect(named.succeededIds.map(String).sort()).toEqual(first.ids.map(String).sort());
    expect(unnamed.succeededIds.map(String).sort()).toEqual(second.ids.map(String).sort());
    expect(await games.models.GameTable.countDocuments({ _id: { $in: [...first.ids, ...second.ids] }, active: false })).toBe(7);
  });

  it('When two workers run the same operation at the same time, then each table is archived once', async () => {
    // Arrange
    const { ids, operationId } = await receive(50);

    // Act
    const results = await Promise.allSettled([archiver.run(operationId), archiver.run(operationId)]);

    // Assert: the stale attempt may lose its compare-and-set, but the data is written once
    expect(results.some((r) => r.status === 'fulfilled' && r.value.status === OperationStatus.DEFERRED)).toBe(true);
    const op = await games.models.AsyncOperation.findById(operationId).lean();
    expect(op!.status).toBe(OperationStatus.DEFERRED);
    expect(op!.succeededIds).toHaveLength(50);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'update' })).toBe(50);
  });

  it('When the worker loses its lock mid-run, then the run is abandoned: nothing archived, still IN_PROGRESS, not FAILED', async () => {
    // Arrange: progress reported after every batch; the listener fails as job.touch() does once
    // Agenda has cancelled a job whose lock expired
    const { ids, operationId } = await receive(30);
    const reporting = new ArchiveOperationService({
      models: games.models,
      withTransaction: transactionRunner(games.conn),
      logger: createLogger({ name: 'test', level: 'silent' }),
      options: { batchSize: 10, batchPauseMs: 0, progressIntervalMs: 0 },
    });

    // Act
    const run = reporting.run(operationId, async () => {
      throw new Error('job cleanup-game-tables got canceled already');
    });

    // Assert
    await expect(run).rejects.toThrow(RunAbandonedError);
    expect(await games.models.AsyncOperation.findById(operationId).lean()).toMatchObject({ status: OperationStatus.IN_PROGRESS, attempts: 1 });
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false })).toBe(0);
  });

  it('When a FAILED operation is run again, then it stays FAILED and nothing changes', async () => {
    // Arrange
    const { ids, operationId } = await receive(2);
    await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { status: OperationStatus.FAILED } });

    // Act
    const result = await archiver.run(operationId);

    // Assert
    expect(result.status).toBe(OperationStatus.FAILED);
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(2);
  });

  it('When a worker died mid-run, then its expired job is picked up by another worker, attempts grow, and it finishes', async () => {
    // Arrange: what a killed worker leaves behind: the operation IN_PROGRESS (its transaction never
    // committed, so no table changed) and its Agenda job locked long ago.
    const { ids, operationId } = await receive(30);
    await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { status: OperationStatus.IN_PROGRESS, attempts: 1 } });
    await games.conn.db!.collection('agendaJobs').updateOne(
      { name: 'cleanup-game-tables', 'data.operationId': String(operationId) },
      { $set: { lockedAt: new Date(Date.now() - 60_000), nextRunAt: new Date(Date.now() - 60_000) } },
    );

    // Act: a second worker on the same database, with a lock lifetime shorter than the lock's age
    const worker = await startTestGames({ mongoUri: games.mongoUri, env: { CLEANUP_LOCK_LIFETIME_MS: '5000' } });
    try {
      // Assert
      const op = await eventually(
        async () => (await worker.gql(OPERATION_QUERY, { id: String(operationId) })).body.data!.operation,
        (o) => o.status === 'DEFERRED',
        { timeoutMs: 20_000 },
      );
      expect(op.attempts).toBe(2);
      expect(op.succeededIds).toHaveLength(30);
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false })).toBe(30);
    } finally {
      await worker.stop();
    }
  });

  it('When an operation was stored but never queued, then a worker starting up queues and finishes it', async () => {
    // Arrange: a request whose process stopped between the commit and queueing the job
    const { ids, operationId } = await receive(5);
    await games.conn.db!.collection('agendaJobs').deleteMany({ 'data.operationId': String(operationId) });

    // Act
    const worker = await startTestGames({ mongoUri: games.mongoUri });
    try {
      // Assert
      const op = await eventually(
        async () => (await worker.gql(OPERATION_QUERY, { id: String(operationId) })).body.data!.operation,
        (o) => o.status === 'DEFERRED',
      );
      expect(op.succeededIds).toHaveLength(5);
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false })).toBe(5);
    } finally {
      await worker.stop();
    }
  });
});
