import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'agenda';
import { CLEANUP_ENVIRONMENT_JOB } from '../../rgs/src/entry-points/jobs/environment-cleanup.job.js';
import { eventually } from '../support/eventually.js';
import { capturedLogger } from '../support/captured-logs.js';
import { metricValue, scrapeMetrics } from '../support/metrics.js';
import { failingServersPlugin } from './support/failing-servers.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { allSent, isCompleted, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('the per-environment cleanup chain', () => {
  let rgs: TestRgs;
  const games = new RecordingGamesClient();
  const failing = new Set<string>();
  const logs = capturedLogger();
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: games, gameTablePlugins: [failingServersPlugin(failing)], logger: logs.logger });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  describe('when the middle of three servers fails', () => {
    it('Then the other two are cleaned, the failure is recorded with its reason, and the run completes', async () => {
      // Arrange
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const servers: Awaited<ReturnType<typeof seedServer>>[] = [];
      const tables: Awaited<ReturnType<typeof seedTables>>[] = [];
      for (const name of ['s1', 's2', 's3']) {
        const server = await seedServer(rgs.models, environment._id, { name });
        servers.push(server);
        tables.push(await seedTables(rgs.models, server._id, { kept: 1, noTraffic: 2, traffic: 1 }));
      }
      failing.add(String(servers[1]!._id));

      // Act
      const runId = await startCleanup(rgs, String(environment._id));
      const run = await waitForRun(rgs, runId, allSent);

      // Assert: progress
      expect(run).toMatchObject({ status: 'COMPLETED', serversTotal: 3, serversDone: 3, serversFailed: 1, deletedCount: 4, archivedCount: 2 });
      expect(run.errors).toEqual([expect.stringContaining(`server s2 (${String(servers[1]!._id)}): simulated failure`)]);
      // Assert: state of the servers that succeeded
      for (const i of [0, 2]) {
        expect(await rgs.models.GameTable.countDocuments({ _id: { $in: tables[i]!.noTraffic } })).toBe(0);
        const archived = await rgs.models.GameTable.find({ _id: { $in: tables[i]!.traffic } }).lean();
        expect(archived.map((t) => [t.active, t.archivedAt?.toISOString()])).toEqual([[false, run.archivedAt]]);
        expect(await rgs.models.GameTable.countDocuments({ _id: { $in: tables[i]!.kept }, active: true })).toBe(1);
      }
      // Assert: the failed server is untouched and has no outbox row
      expect(await rgs.models.GameTable.countDocuments({ serverId: servers[1]!._id, active: true })).toBe(4);
      const dispatches = await rgs.models.Dispatch.find({ runId }).lean();
      expect(dispatches.map((d) => String(d.serverId)).sort()).toEqual(
        [servers[0], servers[0], servers[2], servers[2]].map((s) => String(s!._id)).sort(),
      );
      // Assert: observability — the failure is logged with the ids an operator needs
      const failureLog = logs.lines.find((line) => line.level === 50 && line.serverId === String(servers[1]!._id));
      expect(failureLog).toMatchObject({ runId, environmentId: String(environment._id), err: { message: 'simulated failure while cleaning this server' } });
    });

    it('Then running a link of the finished chain again changes nothing', async () => {
      // Arrange
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const server = await seedServer(rgs.models, environment._id);
      await seedTables(rgs.models, server._id, { noTraffic: 2 });
      const runId = await startCleanup(rgs, String(environment._id));
      const finished = await waitForRun(rgs, runId, allSent);

      // Act
      const job = await rgs.agenda.now(CLEANUP_ENVIRONMENT_JOB, { runId, environmentId: String(environment._id), afterServerId: null });
      await eventually(
        () => rgs.agenda.queryJobs({ id: String(job.attrs._id) }),
        // Finished: removed when it succeeded (housekeeping), or kept with its end when it failed.
        (result) => result.total === 0 || result.jobs[0]?.lastFinishedAt != null,
      );

      // Assert
      const again = await waitForRun(rgs, runId, allSent);
      expect(again).toEqual(finished);
    });
  });

  describe('when every server fails', () => {
    it('Then the run ends FAILED, not COMPLETED, with every server counted as done and failed, and the metric counts it', async () => {
      // Arrange
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const servers = [await seedServer(rgs.models, environment._id), await seedServer(rgs.models, environment._id)];
      for (const server of servers) {
        await seedTables(rgs.models, server._id, { noTraffic: 2, traffic: 1 });
        failing.add(String(server._id));
      }
      const metricsBefore = (await scrapeMetrics(rgs.url)).text;

      // Act
      const runId = await startCleanup(rgs, String(environment._id));
      const run = await waitForRun(rgs, runId, (r) => r.finishedAt != null);

      // Assert: the run record
      expect(run).toMatchObject({ status: 'FAILED', serversTotal: 2, serversDone: 2, serversFailed: 2, deletedCount: 0, archivedCount: 0, dispatches: [] });
      expect(run.errors).toEqual(servers.map((s) => expect.stringContaining(`(${String(s._id)}): simulated failure`)));
      // Assert: the active-run slot is free (the next start is a new run)
      expect(await rgs.models.CleanupRun.exists({ _id: runId, activeSlot: true })).toBeNull();
      // Assert: observability — a run ended FAILED is on the runs gauge
      const metricsAfter = (await scrapeMetrics(rgs.url)).text;
      const failedRuns = (text: string) => metricValue(text, 'rgs_cleanup_runs', { status: 'FAILED' });
      expect(failedRuns(metricsAfter) - failedRuns(metricsBefore)).toBe(1);
    });
  });

  it('When an environment is cleaned again after a finished run, then the new run finds nothing to do', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, server._id, { noTraffic: 3, traffic: 2 });
    const firstRun = await startCleanup(rgs, String(environment._id));
    await waitForRun(rgs, firstRun, allSent);

    // Act
    const secondRun = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, secondRun, isCompleted);

    // Assert
    expect(run).toMatchObject({ serversTotal: 0, serversDone: 0, deletedCount: 0, archivedCount: 0, errors: [], dispatches: [] });
  });

  it('When startCleanup is called without an environment, then every environment with a qualifying server gets a chain and the others are skipped', async () => {
    // Arrange
    const withWork = await seedEnvironment(rgs.models, ['EUR']);
    await seedTables(rgs.models, (await seedServer(rgs.models, withWork._id))._id, { noTraffic: 1 });
    const alsoWithWork = await seedEnvironment(rgs.models, ['GBP']);
    await seedTables(rgs.models, (await seedServer(rgs.models, alsoWithWork._id))._id, { traffic: 1 });
    const nothingToDo = await seedEnvironment(rgs.models, ['EUR']);
    await seedTables(rgs.models, (await seedServer(rgs.models, nothingToDo._id))._id, { kept: 3 });

    // Act
    const runId = await startCleanup(rgs, null);
    const run = await waitForRun(rgs, runId, allSent);

    // Assert: every environment of this file that has work was cleaned; the one without was skipped
    expect(run.environmentId).toBeNull();
    const stored = await rgs.models.CleanupRun.findById(runId).lean();
    const chained = stored!.environments.map((e) => String(e.environmentId));
    expect(chained).toEqual(expect.arrayContaining([String(withWork._id), String(alsoWithWork._id)]));
    expect(chained).not.toContain(String(nothingToDo._id));
    // The chains' links, all succeeded, stay as Agendash's history of the run: completed, none due again.
    const links = await eventually(
      () => rgs.agenda.queryJobs({ name: CLEANUP_ENVIRONMENT_JOB, data: { runId } }),
      (found) => found.total > 0 && found.jobs.every((job) => job.state === 'completed'),
    );
    expect(links.jobs.every((job) => job.nextRunAt == null)).toBe(true);
  });

  it('When an environment has several servers, then one link cleans them one after another, without a job hand-off between them', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    for (const name of ['a1', 'a2', 'a3']) await seedTables(rgs.models, (await seedServer(rgs.models, environment._id, { name }))._id, { noTraffic: 1 });
    const links: unknown[] = [];
    const record = (job: Job) => {
      if ((job.attrs.data as { environmentId?: string }).environmentId === String(environment._id)) links.push(job.attrs.data);
    };
    rgs.agenda.on(`start:${CLEANUP_ENVIRONMENT_JOB}`, record);

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent);
    rgs.agenda.off(`start:${CLEANUP_ENVIRONMENT_JOB}`, record);

    // Assert: every server cleaned and recorded, by the first link alone (CLEANUP_CHAIN_LINK_MS is 60 s by default)
    expect(run).toMatchObject({ status: 'COMPLETED', serversTotal: 3, serversDone: 3, deletedCount: 3 });
    expect(links).toEqual([expect.objectContaining({ afterServerId: null })]);
  });

  it('When a server has more than 500 candidates, then each slice of at most 500 becomes one outbox row with the same archivedAt', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, server._id, { noTraffic: 1_100, traffic: 3 });

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent);

    // Assert
    expect(run).toMatchObject({ deletedCount: 1_100, archivedCount: 3 });
    expect(run.dispatches.map((d: { actionType: string; count: number }) => `${d.actionType}:${d.count}`).sort()).toEqual(
      ['ARCHIVE:3', 'DELETE:100', 'DELETE:500', 'DELETE:500'].sort(),
    );
    const calls = games.calls.filter((c) => run.dispatches.some((d: { id: string }) => d.id === c.idempotencyKey));
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.archivedAt.toISOString()))).toEqual(new Set([run.archivedAt]));
  });
});
