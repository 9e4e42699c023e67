import { describe, expect, it } from '@jest/globals';
import { wantsPrettyLogs } from '../../shared/src/logger.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { startTestGames, TEST_GAMES_TOKEN } from '../support/games-app.js';
import { useStarted } from '../support/use-started.js';
import { capturedLogger } from '../support/captured-logs.js';
import { startTestRgs } from '../rgs/support/rgs-app.js';
import { allSent, startCleanup, waitForRun } from '../rgs/support/runs.js';
import { seedEnvironment, seedServer, seedTables } from '../rgs/support/seed.js';

describe('logs of one cleanup across both services', () => {
  const gamesLogs = capturedLogger();
  const rgsLogs = capturedLogger();
  const games = useStarted(() => startTestGames({ logger: gamesLogs.logger }));
  const rgs = useStarted(() => startTestRgs({ logger: rgsLogs.logger, env: { GAMES_URL: games.url, GAMES_API_TOKEN: TEST_GAMES_TOKEN } }));

  it('When a cleanup runs, then its run id leads to the dispatch ids, those to the Games operation ids, and those to the Games worker lines', async () => {
    // Arrange
    const boIds = await createGameTables(games.models.GameTable, 2, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, server._id, { noTraffic: 2 }, { boIds });

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent);
    const operationId = run.dispatches[0].gamesOperationId as string;
    const dispatchId = run.dispatches[0].id as string;
    await eventually(async () => gamesLogs.lines.filter((l) => l.operationId === operationId).map((l) => l.msg), (msgs) => msgs.includes('operation deferred for phase 2'));

    // Assert: RGS — the slice and its sending carry the run and the dispatch
    const rgsLine = (msg: string) => rgsLogs.lines.find((l) => l.msg === msg && l.runId === runId);
    expect(rgsLine('slice cleaned; dispatch queued for Games')).toMatchObject({ serverId: String(server._id), dispatchId, actionType: 'DELETE', count: 2 });
    expect(rgsLine('dispatch sent to Games')).toMatchObject({ dispatchId, gamesOperationId: operationId });
    expect(rgsLine('server cleaned')).toMatchObject({ serverId: String(server._id), deleted: 2 });
    // Assert: Games — received with the dispatch id as key, worked under the operation id
    expect(gamesLogs.lines.find((l) => l.msg === 'cleanup request received')).toMatchObject({ operationId, idempotencyKey: dispatchId });
    expect(gamesLogs.lines.find((l) => l.msg === 'archiving game tables')).toMatchObject({ operationId });
  });
});

describe('log format', () => {
  it('When stdout is a terminal in development, then logs are pretty; in production, in tests or through a pipe, JSON lines', () => {
    expect(wantsPrettyLogs('development', { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs('development', { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs('development', {})).toBe(false);
    expect(wantsPrettyLogs('production', { isTTY: true })).toBe(false);
    expect(wantsPrettyLogs('test', { isTTY: true })).toBe(false);
  });
});
