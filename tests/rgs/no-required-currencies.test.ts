import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NO_REQUIRED_CURRENCIES } from '../../rgs/src/domain/cleanup-eligibility.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { CLEANUP_PLAN, isCompleted, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('an environment without required currencies', () => {
  let rgs: TestRgs;
  const games = new RecordingGamesClient();
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: games });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  const seedUnconfigured = async () => {
    const environment = await seedEnvironment(rgs.models, []);
    const server = await seedServer(rgs.models, environment._id);
    const tables = await seedTables(rgs.models, server._id, { noTraffic: 3, traffic: 2 });
    return { environment, server, ids: [...tables.noTraffic, ...tables.traffic] };
  };

  it('When it is planned, then cleanupPlan proposes nothing and says why', async () => {
    // Arrange
    const { environment } = await seedUnconfigured();

    // Act
    const res = await rgs.gql(CLEANUP_PLAN, { environmentId: String(environment._id) });

    // Assert
    expect(res.body.data!.cleanupPlan).toEqual({
      toDeleteCount: 0,
      toArchiveCount: 0,
      activeTables: 5,
      share: 0,
      maxShare: 1,
      needsApproval: false,
      skippedReason: NO_REQUIRED_CURRENCIES,
      sampleToDelete: [],
      sampleToArchive: [],
    });
  });

  it('When one of its servers is planned, then the environment list still counts: nothing, with the reason', async () => {
    // Arrange
    const { environment, server } = await seedUnconfigured();

    // Act
    const res = await rgs.gql(CLEANUP_PLAN, { environmentId: String(environment._id), serverId: String(server._id) });

    // Assert
    expect(res.body.data!.cleanupPlan).toMatchObject({ toDeleteCount: 0, toArchiveCount: 0, activeTables: 5, skippedReason: NO_REQUIRED_CURRENCIES });
  });

  it('When a run starts for it, then the run completes having touched nothing and lists it as skipped with the reason', async () => {
    // Arrange
    const { environment, ids } = await seedUnconfigured();

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, isCompleted);

    // Assert
    expect(run).toMatchObject({ deletedCount: 0, archivedCount: 0, serversTotal: 0, plannedEnvironments: [], dispatches: [] });
    expect(run.skippedEnvironments).toEqual([{ environmentId: String(environment._id), name: environment.name, reason: NO_REQUIRED_CURRENCIES }]);
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(ids.length);
    expect(games.calls.flatMap((c) => c.boIds)).toHaveLength(0);
  });

  it('When a run covers every environment, then only the configured ones are cleaned and the unconfigured one is skipped with the reason', async () => {
    // Arrange
    const unconfigured = await seedUnconfigured();
    const configured = await seedEnvironment(rgs.models, ['EUR']);
    const tables = await seedTables(rgs.models, (await seedServer(rgs.models, configured._id))._id, { kept: 2, noTraffic: 1 });

    // Act
    const runId = await startCleanup(rgs, null);
    const run = await waitForRun(rgs, runId, isCompleted);

    // Assert
    expect(run.skippedEnvironments).toContainEqual({ environmentId: String(unconfigured.environment._id), name: unconfigured.environment.name, reason: NO_REQUIRED_CURRENCIES });
    expect(run.plannedEnvironments.map((p: { environmentId: string }) => p.environmentId)).toContain(String(configured._id));
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: unconfigured.ids }, active: true })).toBe(unconfigured.ids.length);
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: tables.noTraffic } })).toBe(0);
  });
});
