import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Schema } from 'mongoose';
import { processAppName } from '../../shared/src/mongo/connect.js';
import type { SchemaPlugin } from '../../rgs/src/data-access/game-table.model.js';
import { eventually } from '../support/eventually.js';
import { startFailPointReplicaSet, type FailPointReplicaSet } from '../support/fail-point-replica-set.js';
import { capturedLogger } from '../support/captured-logs.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { isCompleted, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

/**
 * A GameTable plugin that calls `onCleaning` once, inside the slice transaction that changes the
 * tables of the server `serverId.value`: the test arms a fail point there, so it strikes right
 * after that slice commits.
 */
function onCleaningServer(serverId: { value: string | null }, onCleaning: () => Promise<void>): SchemaPlugin {
  let fired = false;
  return (schema: Schema) => {
    schema.pre(['deleteMany', 'updateMany'], async function () {
      const filtered = (this.getFilter() as { serverId?: unknown }).serverId;
      if (fired || filtered == null || String(filtered) !== serverId.value) return;
      fired = true;
      await onCleaning();
    });
  };
}

/**
 * The run record under faults (issue 27): a server cleaned to the end whose "done" could not be
 * recorded (the primary stepped down, RGS was killed) must still be counted when the chain is redone.
 */
describe('the run record after a fault between a server and its record', () => {
  let rgs: TestRgs;
  let mongo: FailPointReplicaSet;
  let runId: string | null = null;
  const watched = { value: null as string | null };
  const games = new RecordingGamesClient();
  const logs = capturedLogger();

  /** Waits until the kickoff is done (so only the chain writes the run), then fails the next two updates of the run. */
  async function failTheNextRunUpdates(): Promise<void> {
    await eventually(() => rgs.models.CleanupRun.exists({ _id: runId, kickoffDone: true }), (found) => found !== null);
    // The update and the driver's one retry of it (NotWritablePrimary): the write is given up, as in an election.
    await mongo.failNext(2, { failCommands: ['update'], appName: processAppName('rgs'), namespace: `${rgs.conn.name}.cleanupruns`, errorCode: 10107 });
  }

  beforeAll(async () => {
    mongo = await startFailPointReplicaSet();
    rgs = await startTestRgs({ serverUri: mongo.uri, gamesClient: games, gameTablePlugins: [onCleaningServer(watched, failTheNextRunUpdates)], logger: logs.logger });
  });
  afterEach(async () => {
    await mongo.off();
  });
  afterAll(async () => {
    await rgs?.stop();
    await mongo?.stop();
  });

  describe('when recording the first server as done fails after its last slice committed', () => {
    it('Then the redone link counts that server, and the run completes with serversDone equal to serversTotal', async () => {
      // Arrange: two servers of one slice each; the fault strikes once the first one is cleaned
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const first = await seedServer(rgs.models, environment._id, { name: 'first' });
      const second = await seedServer(rgs.models, environment._id, { name: 'second' });
      const firstTables = await seedTables(rgs.models, first._id, { noTraffic: 2 });
      const secondTables = await seedTables(rgs.models, second._id, { noTraffic: 2 });
      watched.value = String(first._id);

      // Act
      runId = await startCleanup(rgs, String(environment._id));
      const run = await waitForRun(rgs, runId, isCompleted, 40_000);

      // Assert: the fault happened (the update and its retry were refused)
      expect(await mongo.off()).toBe(2);
      // Assert: the run record
      expect(run).toMatchObject({ status: 'COMPLETED', serversTotal: 2, serversDone: 2, deletedCount: 4, errors: [] });
      // Assert: the data — each server's tables were handled once, in one dispatch each
      expect(await rgs.models.GameTable.countDocuments({ _id: { $in: [...firstTables.noTraffic, ...secondTables.noTraffic] } })).toBe(0);
      const dispatches = await rgs.models.Dispatch.find({ runId }).lean();
      expect(dispatches.map((d) => String(d.serverId)).sort()).toEqual([String(first._id), String(second._id)].sort());
      // Assert: observability — the failed link was logged with its run, not as a failed server
      expect(logs.lines.some((line) => line.level === 50 && line.serverId === String(first._id))).toBe(false);
    }, 60_000);
  });
});
