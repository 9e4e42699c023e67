import { describe, expect, it } from '@jest/globals';
import type { Job } from 'agenda';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useConnectedServices } from '../rgs/support/rgs-app.js';
import { allSent, startCleanup, waitForRun } from '../rgs/support/runs.js';
import { seedEnvironment, seedServer, seedTables } from '../rgs/support/seed.js';

describe('the Agenda jobs of a cleanup, as Agendash shows them', () => {
  // A link per server (CLEANUP_CHAIN_LINK_MS=0), so the second link names the server before it.
  const { games, rgs } = useConnectedServices({ CLEANUP_CHAIN_LINK_MS: '0' });

  it('When a cleanup runs, then each job names its run, environment, previous server or operation, so an operator can find it', async () => {
    // Arrange
    const boIds = await createGameTables(games.models.GameTable, 2, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id, { name: 'srv-readable' });
    await seedTables(rgs.models, server._id, { noTraffic: 2 }, { boIds });
    // Jobs that succeed are removed (housekeeping): their data is read as they start, while Agendash lists them.
    const started: Array<{ name: string; data: Record<string, unknown> }> = [];
    const record = (job: Job) => started.push({ name: job.attrs.name, data: job.attrs.data as Record<string, unknown> });
    rgs.agenda.on('start', record);
    games.agenda.on('start', record);
    const dataOf = (name: string) => started.filter((job) => job.name === name).map((job) => job.data);

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent);
    const operationId = run.dispatches[0].gamesOperationId as string;

    // Assert: RGS — the kickoff and each chain link
    expect(dataOf('cleanup-kickoff')).toContainEqual({ runId, trigger: 'started' });
    expect(dataOf('cleanup-environment').filter((data) => data.runId === runId)).toEqual([
      { runId, environmentId: String(environment._id), environment: environment.name, afterServerId: null, afterServer: null },
      { runId, environmentId: String(environment._id), environment: environment.name, afterServerId: String(server._id), afterServer: 'srv-readable', queuedAt: expect.any(String) },
    ]);
    // Assert: Games — the worker's job names its operation, its message (read alongside the claim), action and size
    const workers = await eventually(async () => dataOf('cleanup-game-tables').filter((data) => data.operationId === operationId), (jobs) => jobs.length > 0);
    const messageId = String((await games.models.AsyncOperation.findById(operationId).lean())!.messageId);
    expect(workers[0]).toEqual({ operationId, messageId, actionType: 'DELETE', tables: 2 });
    rgs.agenda.off('start', record);
    games.agenda.off('start', record);
  });
});
