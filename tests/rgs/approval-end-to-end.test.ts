import { describe, expect, it } from '@jest/globals';
import { NO_REQUIRED_CURRENCIES } from '../../rgs/src/domain/cleanup-eligibility.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useConnectedServices } from './support/rgs-app.js';
import { allSent, APPROVE_RUN, isAwaitingApproval, START_CLEANUP, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

/** The "done when", through both APIs: an unconfigured environment and a typo'd one, on a real Games. */
describe('a destructive run held for approval, from startCleanup to Games', () => {
  const { games, rgs } = useConnectedServices({ CLEANUP_MAX_SHARE: '0.75' });

  it('When every environment is cleaned, then [] is never touched, ["XXX"] waits for approval across ten starts, and after approval Games gets every id once', async () => {
    // Arrange: malta with no required currencies, curacao with a typo; Games knows every table
    const maltaBoIds = await createGameTables(games.models.GameTable, 20, { currency: 'USD' });
    const curacaoBoIds = await createGameTables(games.models.GameTable, 650, { currency: 'USD' });
    const malta = await seedEnvironment(rgs.models, []);
    await seedTables(rgs.models, (await seedServer(rgs.models, malta._id))._id, { noTraffic: 10, traffic: 10 }, { boIds: maltaBoIds });
    const curacao = await seedEnvironment(rgs.models, ['XXX']);
    await seedTables(rgs.models, (await seedServer(rgs.models, curacao._id))._id, { noTraffic: 300, traffic: 100 }, { boIds: curacaoBoIds.slice(0, 400) });
    await seedTables(rgs.models, (await seedServer(rgs.models, curacao._id))._id, { noTraffic: 200, traffic: 50 }, { boIds: curacaoBoIds.slice(400) });

    // Act: ten concurrent starts over every environment
    const starts = await Promise.all(Array.from({ length: 10 }, () => rgs.gql(START_CLEANUP, {})));
    const runIds = new Set(starts.map((r) => r.body.data?.startCleanup.id as string));
    const [runId] = [...runIds];
    const held = await waitForRun(rgs, runId!, isAwaitingApproval);

    // Assert: one run, held, nothing touched, malta skipped with the reason
    expect(runIds.size).toBe(1);
    expect(held.skippedEnvironments).toEqual([{ environmentId: String(malta._id), name: malta.name, reason: NO_REQUIRED_CURRENCIES }]);
    expect(held.plannedEnvironments).toEqual([
      { environmentId: String(curacao._id), name: curacao.name, toDeleteCount: 500, toArchiveCount: 150, activeTables: 650, share: 1, needsApproval: true },
    ]);
    expect(held.dispatches).toEqual([]);
    expect(await games.models.AsyncOperation.countDocuments()).toBe(0);
    expect(await rgs.models.GameTable.countDocuments({ active: true })).toBe(670);

    // Act: a person approves
    await rgs.gql(APPROVE_RUN, { id: runId });
    const run = await waitForRun(rgs, runId!, allSent, 60_000);

    // Assert: RGS
    expect(run).toMatchObject({ status: 'COMPLETED', deletedCount: 500, archivedCount: 150, errors: [] });
    expect(await rgs.models.GameTable.countDocuments({ active: true })).toBe(20);
    // Assert: Games received every curacao id exactly once, and no malta id
    const operations = await eventually(
      () => games.models.AsyncOperation.find({ _id: { $in: run.dispatches.map((d: { gamesOperationId: string }) => d.gamesOperationId) } }).lean(),
      (ops) => ops.length === run.dispatches.length && ops.every((op) => op.status === 'DEFERRED'),
      { timeoutMs: 60_000 },
    );
    const received = operations.flatMap((op) => op.succeededIds.map(String)).sort();
    expect(received).toEqual([...curacaoBoIds].sort());
    expect(await games.models.GameTable.countDocuments({ _id: { $in: maltaBoIds }, active: true })).toBe(20);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: curacaoBoIds }, event: 'update' })).toBe(650);
  });
});
