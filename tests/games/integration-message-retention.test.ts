import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { createLogger } from '../../shared/src/logger.js';
import { CleanupAction, OperationStatus } from '../../games/src/domain/cleanup-action.js';
import { MessageRetentionService } from '../../games/src/domain/message-retention.service.js';
import { useTestGames } from '../support/games-app.js';

const DAY = 86_400_000;

describe('clean-integration-messages retention', () => {
  const games = useTestGames({ workers: false, env: { MESSAGE_RETENTION_DAYS: '30' } });

  /** An operation and its message, last updated `ageDays` ago. */
  const insertOperation = async (status: OperationStatus, ageDays: number) => {
    const updatedAt = new Date(Date.now() - ageDays * DAY);
    const message = await games.models.IntegrationMessage.collection.insertOne({
      gameTableIds: [new Types.ObjectId()], actionType: CleanupAction.DELETE, archivedAt: updatedAt, async: true, idempotencyKey: null, createdAt: updatedAt, updatedAt,
    });
    const op = await games.models.AsyncOperation.collection.insertOne({
      messageId: message.insertedId, status, actionType: CleanupAction.DELETE, archivedAt: updatedAt, async: true, requestedCount: 1,
      processedCount: 0, succeededIds: [], failures: [], attempts: 0, createdAt: updatedAt, updatedAt,
    });
    return { operationId: op.insertedId, messageId: message.insertedId };
  };

  it('When the job runs, then only finished operations past the retention and their messages are deleted', async () => {
    // Arrange
    const expired = await Promise.all([OperationStatus.PROCESSED, OperationStatus.FAILED, OperationStatus.RESTORED].map((s) => insertOperation(s, 31)));
    const kept = await Promise.all([
      insertOperation(OperationStatus.DEFERRED, 400),
      insertOperation(OperationStatus.RECEIVED, 400),
      insertOperation(OperationStatus.IN_PROGRESS, 400),
      insertOperation(OperationStatus.PROCESSED, 29),
    ]);

    // Act: through Agenda, as the schedule runs it
    const job = await games.agenda.now('clean-integration-messages');
    await job.run();

    // Assert
    const exists = async ({ operationId, messageId }: { operationId: Types.ObjectId; messageId: Types.ObjectId }) => [
      await games.models.AsyncOperation.exists({ _id: operationId }),
      await games.models.IntegrationMessage.exists({ _id: messageId }),
    ];
    for (const entry of expired) expect(await exists(entry)).toEqual([null, null]);
    for (const entry of kept) expect((await exists(entry)).every(Boolean)).toBe(true);
  });

  it('When nothing is expired, then nothing is deleted', async () => {
    // Arrange
    const service = new MessageRetentionService({ models: games.models, logger: createLogger({ name: 't', level: 'silent' }), retentionDays: 3650 });

    // Act
    const result = await service.cleanExpired();

    // Assert
    expect(result).toEqual({ operationsDeleted: 0, messagesDeleted: 0 });
  });

  it('When Games starts, then the retention job is scheduled to repeat', async () => {
    const jobs = await games.conn.db!.collection('agendaJobs').find({ name: 'clean-integration-messages', type: 'single' }).toArray();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.repeatInterval).toBe('1 hour');
  });
});
