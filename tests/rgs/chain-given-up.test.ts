import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoNetworkError } from 'mongodb';
import type { Schema } from 'mongoose';
import type { SchemaPlugin } from '../../rgs/src/data-access/game-table.model.js';
import { capturedLogger } from '../support/captured-logs.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { isCompleted, isFailed, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

/** Cleaning the servers in `serverIds` fails as if MongoDB were unreachable: the link fails, not the server. */
function unreachableWhileCleaning(serverIds: Set<string>): SchemaPlugin {
  return (schema: Schema) => {
    schema.pre(['deleteMany', 'updateMany'], function () {
      const serverId = (this.getFilter() as { serverId?: unknown }).serverId;
      if (serverId != null && serverIds.has(String(serverId))) throw new MongoNetworkError('simulated outage while cleaning');
    });
  };
}

describe('an environment chain whose link fails on every retry', () => {
  let rgs: TestRgs;
  const unreachable = new Set<string>();
  const logs = capturedLogger();
  beforeAll(async () => {
    rgs = await startTestRgs({
      gamesClient: new RecordingGamesClient(),
      gameTablePlugins: [unreachableWhileCleaning(unreachable)],
      logger: logs.logger,
      // No retries: the first failure exhausts the budget (the default is 8, about 20 minutes).
      env: { CLEANUP_CHAIN_MAX_RETRIES: '0' },
    });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  it('When the retries are exhausted, then the run ends FAILED with the environment given up, and a new run can start', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, server._id, { kept: 1, noTraffic: 2, traffic: 1 });
    unreachable.add(String(server._id));

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, isFailed);

    // Assert: the run ended (no longer holding the active-run slot), FAILED since it cleaned nothing, and says why
    expect(run.errors).toEqual([expect.stringMatching(/given up after 1 failed attempts: simulated outage while cleaning/)]);
    expect(run.serversDone).toBe(0);
    expect(await rgs.models.GameTable.countDocuments({ serverId: server._id, active: true })).toBe(4);
    const given = logs.lines.find((line) => line.msg === 'environment chain given up after its retries; recorded on the run');
    expect(given).toMatchObject({ runId, environmentId: String(environment._id) });
    // Assert: the next start is a new run, not the stuck one
    unreachable.clear();
    const nextRunId = await startCleanup(rgs, String(environment._id));
    expect(nextRunId).not.toBe(runId);
    const next = await waitForRun(rgs, nextRunId, isCompleted);
    expect(next).toMatchObject({ serversDone: 1, deletedCount: 2, archivedCount: 1, errors: [] });
  });

  it('When one environment is given up while another is cleaned, then the run ends FAILED, not COMPLETED with a server never visited', async () => {
    // Arrange
    const given = await seedEnvironment(rgs.models, ['EUR']);
    const givenServer = await seedServer(rgs.models, given._id);
    await seedTables(rgs.models, givenServer._id, { kept: 1, noTraffic: 1, traffic: 1 });
    const cleaned = await seedEnvironment(rgs.models, ['EUR']);
    const cleanedServer = await seedServer(rgs.models, cleaned._id);
    await seedTables(rgs.models, cleanedServer._id, { kept: 1, noTraffic: 2, traffic: 1 });
    unreachable.add(String(givenServer._id));

    // Act
    const runId = await startCleanup(rgs, null);
    const run = await waitForRun(rgs, runId, isFailed);

    // Assert: the other environment was cleaned, and the run says one server was never visited
    expect(run).toMatchObject({ serversFailed: 0, deletedCount: 2, archivedCount: 1 });
    expect(run.serversTotal - run.serversDone).toBe(1);
    expect(run.errors).toEqual([expect.stringContaining(`environment ${String(given._id)}: given up after 1 failed attempts`)]);
    unreachable.clear();
  });
});
