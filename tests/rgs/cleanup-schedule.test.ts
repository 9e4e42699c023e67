import { afterEach, describe, expect, it } from '@jest/globals';
import { CLEANUP_KICKOFF_JOB } from '../../rgs/src/entry-points/jobs/cleanup-kickoff.job.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';

describe('the scheduled kickoff (CLEANUP_CRON)', () => {
  let rgs: TestRgs | undefined;
  afterEach(async () => {
    await rgs?.stop();
    rgs = undefined;
  });

  const scheduledKickoffs = async (app: TestRgs) =>
    (await app.models.CleanupRun.db.collection('agendaJobs').find({ name: CLEANUP_KICKOFF_JOB, 'data.scheduled': true }).toArray());

  it('When CLEANUP_CRON is set, then the kickoff repeats on that cron in CLEANUP_TIME_ZONE and has not run yet', async () => {
    // Act
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient(), env: { CLEANUP_CRON: '30 2 * * *', CLEANUP_TIME_ZONE: 'Europe/Malta' } });

    // Assert
    const jobs = await scheduledKickoffs(rgs);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ repeatInterval: '30 2 * * *', repeatTimezone: 'Europe/Malta' });
    expect(jobs[0]!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(0);
  });

  it('When CLEANUP_CRON is unset, then no kickoff is scheduled', async () => {
    // Act
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient() });

    // Assert
    expect(await scheduledKickoffs(rgs)).toHaveLength(0);
  });
});
