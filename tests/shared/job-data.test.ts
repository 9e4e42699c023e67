import { describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useConnectedServices } from '../rgs/support/rgs-app.js';
import { allSent, startCleanup, waitForRun } from '../rgs/support/runs.js';
import { seedEnvironment, seedServer, seedTables } from '../rgs/support/seed.js';

describe('the Agenda jobs of a cleanup, as Agendash shows them', () => {
  const { games, rgs } = useConnectedServices();

  it('When a cleanup runs, then each job names its run, environment, previous server or operation, so an operator can find it', async () => {
    // Arrange
    const boIds = await createGameTables(games.models.GameTable, 2, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id, { name: 'srv-readable' });
    await seedTables(rgs.models, server._id, { noTraffic: 2 }, { boIds });

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent);
    const operationId = run.dispatches[0].gamesOperationId as string;

    // Assert: RGS — the kickoff and each chain link
    const rgsJobs = rgs.conn.db!.collection('agendaJobs');
    expect((await rgsJobs.findOne({ name: 'cleanup-kickoff', 'data.runId': runId }))?.data).toEqual({ runId, trigger: 'started' });
    const links = await rgsJobs.find({ name: 'cleanup-environment', 'data.runId': runId }).sort({ _id: 1 }).toArray();
    expect(links.map((job) => job.data)).toEqual([
      { runId, environmentId: String(environment._id), environment: environment.name, afterServerId: null, afterServer: null },
      { runId, environmentId: String(environment._id), environment: environment.name, afterServerId: String(server._id), afterServer: 'srv-readable' },
    ]);
    // Assert: Games — the worker's job names its operation, action and size
    const job = await eventually(() => games.conn.db!.collection('agendaJobs').findOne({ name: 'cleanup-game-tables', 'data.operationId': operationId }), (j) => j !== null);
    expect(job!.data).toEqual({ operationId, actionType: 'DELETE', tables: 2 });
  });
});
