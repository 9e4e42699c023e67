import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CLEANUP_KICKOFF_JOB } from '../../rgs/src/entry-points/jobs/cleanup-kickoff.job.js';
import { CLEANUP_RUN_EVENT_JOB } from '../../rgs/src/entry-points/jobs/cleanup-run-event.job.js';
import { RunStatus } from '../../rgs/src/domain/statuses.js';
import { eventually } from '../support/eventually.js';
import { capturedLogger } from '../support/captured-logs.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { CANCEL_RUN, isAwaitingApproval, START_CLEANUP, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('one active run at a time', () => {
  let rgs: TestRgs;
  const { logger, lines } = capturedLogger();
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient(), logger, env: { CLEANUP_MAX_SHARE: '0.75' } });
  });
  afterAll(async () => {
    await rgs.stop();
  });
  afterEach(async () => {
    // Each test leaves the slot free for the next one.
    const active = await rgs.models.CleanupRun.find({ status: { $in: [RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL] } }).lean();
    for (const run of active) await rgs.gql(CANCEL_RUN, { id: String(run._id) });
  });

  /** An environment whose run waits for approval, so it stays active while the test looks. */
  const seedHeldEnvironment = async () => {
    const environment = await seedEnvironment(rgs.models, ['XXX']);
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { noTraffic: 2 });
    return environment;
  };

  it('When ten startCleanup calls for one environment arrive at once, then all return the same run and only one is recorded', async () => {
    // Arrange
    const environment = await seedHeldEnvironment();
    const before = await rgs.models.CleanupRun.countDocuments();

    // Act
    const responses = await Promise.all(Array.from({ length: 10 }, () => rgs.gql(START_CLEANUP, { environmentId: String(environment._id) })));

    // Assert
    expect(responses.map((r) => r.body.errors)).toEqual(Array(10).fill(undefined));
    const ids = new Set(responses.map((r) => r.body.data!.startCleanup.id as string));
    expect(ids.size).toBe(1);
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(before + 1);
    const [runId] = [...ids];
    await waitForRun(rgs, runId!, isAwaitingApproval);
    const again = await rgs.gql(START_CLEANUP, { environmentId: String(environment._id) });
    expect(again.body.data!.startCleanup).toMatchObject({ id: runId, status: 'AWAITING_APPROVAL' });
  });

  it.each([
    ['another environment', 'other'],
    ['every environment', 'all'],
  ])('When a run is active and startCleanup asks for %s, then it is refused with CONFLICT naming the active run', async (_case, scope) => {
    // Arrange
    const environment = await seedHeldEnvironment();
    const runId = await startCleanup(rgs, String(environment._id));
    const other = scope === 'all' ? null : String((await seedHeldEnvironment())._id);
    const before = await rgs.models.CleanupRun.countDocuments();

    // Act
    const res = await rgs.gql(START_CLEANUP, { environmentId: other });

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.body.errors?.[0]?.message).toContain(`Cleanup run ${runId}`);
    expect(res.body.errors?.[0]?.message).toContain(`environment ${String(environment._id)}`);
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(before);
  });

  it('When the cron fires while a run is active, then it logs and records the skip with the active run id and starts nothing', async () => {
    // Arrange
    const environment = await seedHeldEnvironment();
    const runId = await startCleanup(rgs, String(environment._id));
    await waitForRun(rgs, runId, isAwaitingApproval);
    const before = await rgs.models.CleanupRun.countDocuments();

    // Act: what the cron schedule runs
    await rgs.agenda.now(CLEANUP_KICKOFF_JOB, { scheduled: true });

    // Assert
    const events = await eventually(
      () => rgs.models.CleanupRun.db.collection('agendaJobs').find({ name: CLEANUP_RUN_EVENT_JOB, 'data.activeRunId': runId }).toArray(),
      (jobs) => jobs.length > 0,
    );
    expect(events[0]!.data).toEqual({ event: 'cron-skipped', activeRunId: runId, activeStatus: 'AWAITING_APPROVAL' });
    expect(lines).toContainEqual(expect.objectContaining({ activeRunId: runId, msg: 'scheduled cleanup skipped: another run is active' }));
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(before);
  });
});
