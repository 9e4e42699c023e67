import { describe, expect, it } from '@jest/globals';
import { MongoClient, ObjectId } from 'mongodb';
import { createAgenda } from '../../shared/src/agenda/agenda.js';
import { backendOf } from '../../shared/src/agenda/backend-saves.js';
import { capturedLogger } from '../support/captured-logs.js';
import { freshDatabaseUri } from '../support/mongo.js';

describe('a job lock Agenda gives back while MongoDB is unreachable', () => {
  it('When the release fails, then it is logged and never rejects (an unhandled rejection would end the process)', async () => {
    // Arrange: an Agenda whose connection is gone, as during a failover
    const client = await MongoClient.connect(freshDatabaseUri('agenda_lock_release'));
    const { logger, lines } = capturedLogger();
    const agenda = await createAgenda({ db: client.db(), name: 'releaser', processEveryMs: 60_000, defaultLockLifetimeMs: 5_000, logger });
    await client.close();
    const jobId = new ObjectId();

    // Act
    const released = backendOf(agenda).unlockJob({ _id: jobId, name: 'cleanup-environment' });

    // Assert
    await expect(released).resolves.toBeUndefined();
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'could not release a job lock; it expires after its lifetime', job: 'cleanup-environment', jobId: String(jobId) }),
    );
  });
});
