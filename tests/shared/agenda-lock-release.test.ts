import { describe, expect, it } from '@jest/globals';
import type { JobId } from 'agenda';
import { MongoClient, ObjectId } from 'mongodb';
import { createAgenda } from '../../shared/src/agenda/agenda.js';
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
    const released = agenda.db.unlockJob({ _id: jobId.toHexString() as JobId, name: 'cleanup-environment', nextRunAt: null, priority: 0, type: 'normal', data: {} });

    // Assert
    await expect(released).resolves.toBeUndefined();
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'could not release a job lock; it expires after its lifetime', job: 'cleanup-environment', jobId: String(jobId) }),
    );
  });
});
