import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Types } from 'mongoose';
import { CLEANUP_KICKOFF_JOB } from '../../rgs/src/entry-points/jobs/cleanup-kickoff.job.js';
import { CLEANUP_RUN_EVENT_JOB } from '../../rgs/src/entry-points/jobs/cleanup-run-event.job.js';
import { eventually } from '../support/eventually.js';
import { capturedLogger } from '../support/captured-logs.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { APPROVE_RUN, CANCEL_RUN, CLEANUP_PLAN, isAwaitingApproval, isCompleted, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('the blast-radius limit (CLEANUP_MAX_SHARE=0.75)', () => {
  let rgs: TestRgs;
  const games = new RecordingGamesClient();
  const { logger, lines } = capturedLogger();
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: games, logger, env: { CLEANUP_MAX_SHARE: '0.75' } });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  /** A typo'd environment: no table is in "XXX", so every active table is a candidate. */
  const seedTypo = async () => {
    const environment = await seedEnvironment(rgs.models, ['XXX']);
    const server = await seedServer(rgs.models, environment._id);
    const tables = await seedTables(rgs.models, server._id, { noTraffic: 3, traffic: 1 });
    // Tables on an inactive server are never candidates, and do not count as active tables.
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id, { active: false }))._id, { noTraffic: 4 });
    const ids = [...tables.noTraffic, ...tables.traffic];
    return { environment, ids };
  };
  const boIdsOf = async (ids: Types.ObjectId[]) => (await rgs.models.GameTable.find({ _id: { $in: ids } }, { boId: 1 }).lean()).map((t) => String(t.boId)).sort();
  const runEvents = (runId: string) => rgs.models.CleanupRun.db.collection('agendaJobs').find({ name: CLEANUP_RUN_EVENT_JOB, 'data.runId': runId }).toArray();

  it('When an environment would lose all its active tables, then cleanupPlan shows the share and that a run needs approval', async () => {
    // Arrange
    const { environment } = await seedTypo();

    // Act
    const res = await rgs.gql(CLEANUP_PLAN, { environmentId: String(environment._id) });

    // Assert
    expect(res.body.data!.cleanupPlan).toMatchObject({ toDeleteCount: 3, toArchiveCount: 1, activeTables: 4, share: 1, maxShare: 0.75, needsApproval: true, skippedReason: null });
  });

  it('When a run is planned above the limit, then it waits as AWAITING_APPROVAL with the figures, touching nothing, logged and recorded with its id', async () => {
    // Arrange
    const { environment, ids } = await seedTypo();

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, isAwaitingApproval);

    // Assert: the figures
    expect(run.maxShare).toBe(0.75);
    expect(run.plannedEnvironments).toEqual([
      { environmentId: String(environment._id), name: environment.name, toDeleteCount: 3, toArchiveCount: 1, activeTables: 4, share: 1, needsApproval: true },
    ]);
    // Assert: nothing touched
    expect(run).toMatchObject({ serversTotal: 0, deletedCount: 0, archivedCount: 0, dispatches: [], startedAt: null });
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(4);
    // Assert: observability
    expect(lines).toContainEqual(expect.objectContaining({ runId, event: 'awaiting-approval', msg: expect.stringMatching(/waits for approval/) }));
    const events = await eventually(() => runEvents(runId), (jobs) => jobs.length > 0);
    expect(events[0]!.data).toMatchObject({ event: 'awaiting-approval', runId, maxShare: 0.75, overLimit: [`${environment.name} 100% (4 of 4)`] });

    await rgs.gql(CANCEL_RUN, { id: runId });
  });

  it('When a held run is approved, then it runs as planned and Games receives every id exactly once', async () => {
    // Arrange
    const { environment, ids } = await seedTypo();
    const expected = await boIdsOf(ids);
    const runId = await startCleanup(rgs, String(environment._id));
    await waitForRun(rgs, runId, isAwaitingApproval);

    // Act
    const approved = await rgs.gql(APPROVE_RUN, { id: runId });
    const run = await waitForRun(rgs, runId, (r) => isCompleted(r) && r.dispatches.every((d: { status: string }) => d.status === 'SENT'));

    // Assert
    expect(approved.body.data!.approveCleanupRun).toMatchObject({ id: runId, status: 'QUEUED', approvedAt: expect.any(String) });
    expect(run).toMatchObject({ deletedCount: 3, archivedCount: 1, errors: [] });
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(0);
    const sent = games.calls.filter((c) => expected.includes(c.boIds[0]!)).flatMap((c) => c.boIds).sort();
    expect(sent).toEqual(expected);
    expect(lines).toContainEqual(expect.objectContaining({ runId, event: 'approved', msg: 'cleanup run approved' }));
    const events = await eventually(() => runEvents(runId), (jobs) => jobs.some((j) => j.data.event === 'approved'));
    expect(events.map((j) => j.data.event)).toEqual(expect.arrayContaining(['awaiting-approval', 'approved']));
  });

  it('When a held run is cancelled, then it ends CANCELLED having touched nothing, and another run can start', async () => {
    // Arrange
    const { environment, ids } = await seedTypo();
    const runId = await startCleanup(rgs, String(environment._id));
    await waitForRun(rgs, runId, isAwaitingApproval);

    // Act
    const cancelled = await rgs.gql(CANCEL_RUN, { id: runId });

    // Assert
    expect(cancelled.body.data!.cancelCleanupRun).toMatchObject({ id: runId, status: 'CANCELLED', cancelledAt: expect.any(String), deletedCount: 0, archivedCount: 0 });
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(4);
    expect(await rgs.models.Dispatch.countDocuments({ runId })).toBe(0);
    expect(lines).toContainEqual(expect.objectContaining({ runId, event: 'cancelled', previousStatus: 'AWAITING_APPROVAL', msg: 'cleanup run cancelled' }));
    expect((await rgs.gql(APPROVE_RUN, { id: runId })).body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const next = await startCleanup(rgs, String((await seedTypo()).environment._id));
    expect(next).not.toBe(runId);
    await rgs.gql(CANCEL_RUN, { id: next });
  });

  it('When the cron starts a run above the limit, then it waits for approval the same way', async () => {
    // Arrange
    const { environment, ids } = await seedTypo();
    const before = await rgs.models.CleanupRun.countDocuments();

    // Act: what the cron schedule runs
    await rgs.agenda.now(CLEANUP_KICKOFF_JOB, { scheduled: true });

    // Assert
    const run = await eventually(
      () => rgs.models.CleanupRun.findOne({}, null, { sort: { createdAt: -1 } }).lean(),
      (r) => r?.status === 'AWAITING_APPROVAL',
    );
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(before + 1);
    expect(run!.environmentId).toBeNull();
    expect(run!.planned).toContainEqual(expect.objectContaining({ environmentId: environment._id, share: 1, needsApproval: true }));
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(4);

    await rgs.gql(CANCEL_RUN, { id: String(run!._id) });
  });

  it('When a run is planned at half of the active tables, then it runs without approval', async () => {
    // Arrange: like the demo, 2 of 4 active tables are candidates
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const tables = await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { kept: 2, noTraffic: 1, traffic: 1 });

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, isCompleted);

    // Assert
    expect(run).toMatchObject({ approvedAt: null, deletedCount: 1, archivedCount: 1 });
    expect(run.plannedEnvironments).toEqual([expect.objectContaining({ share: 0.5, needsApproval: false })]);
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: tables.kept }, active: true })).toBe(2);
  });

  it('When a finished run is cancelled or approved, then it is refused with CONFLICT; an unknown run is NOT_FOUND', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { kept: 1, noTraffic: 1 });
    const runId = await startCleanup(rgs, String(environment._id));
    await waitForRun(rgs, runId, isCompleted);

    // Act
    const cancel = await rgs.gql(CANCEL_RUN, { id: runId });
    const approve = await rgs.gql(APPROVE_RUN, { id: runId });
    const unknown = await rgs.gql(CANCEL_RUN, { id: '0123456789abcdef01234567' });

    // Assert
    expect(cancel.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/is COMPLETED; only a QUEUED or AWAITING_APPROVAL run/) });
    expect(approve.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/is COMPLETED; only a run AWAITING_APPROVAL/) });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
