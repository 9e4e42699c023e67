import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { allSent, CLEANUP_PLAN, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('the dry run and the run agree', () => {
  let rgs: TestRgs;
  beforeAll(async () => {
    // Traffic counts only within 30 days: older traffic makes a table "to delete", in both.
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient(), env: { TRAFFIC_LOOKBACK_DAYS: '30' } });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  it('When an environment with recent, old and no traffic over several slices is planned and then run, then the plan counted exactly what the run removed', async () => {
    // Arrange: more candidates than one 500-slice on a server, and traffic inside and outside the window
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const big = await seedServer(rgs.models, environment._id, { name: 'big' });
    const small = await seedServer(rgs.models, environment._id, { name: 'small' });
    const recent = new Date(Date.now() - 2 * 24 * 3600_000);
    const old = new Date(Date.now() - 90 * 24 * 3600_000);
    await seedTables(rgs.models, big._id, { kept: 40, noTraffic: 620, traffic: 130 }, { trafficDay: recent });
    await seedTables(rgs.models, big._id, { traffic: 70 }, { trafficDay: old });
    await seedTables(rgs.models, small._id, { noTraffic: 3, traffic: 4 }, { trafficDay: recent, currency: 'GBP' });

    // Act
    const planned = (await rgs.gql(CLEANUP_PLAN, { environmentId: String(environment._id) })).body.data!.cleanupPlan;
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent, 30_000);

    // Assert
    expect(planned).toMatchObject({ toDeleteCount: 620 + 70 + 3, toArchiveCount: 130 + 4 });
    expect(run).toMatchObject({ deletedCount: planned.toDeleteCount, archivedCount: planned.toArchiveCount, errors: [] });
    expect(await rgs.models.GameTable.countDocuments({ serverId: { $in: [big._id, small._id] }, active: true })).toBe(40);
  });
});
