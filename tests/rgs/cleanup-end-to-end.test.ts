import { describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useConnectedServices } from './support/rgs-app.js';
import { allSent, START_CLEANUP, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('a cleanup from startCleanup to Games', () => {
  const { games, rgs } = useConnectedServices({ CLEANUP_TIME_ZONE: 'Europe/Malta' });

  it('When startCleanup runs for an environment, then Games holds DEFERRED operations whose ids and archivedAt match what RGS deleted and archived', async () => {
    // Arrange: two servers; Games knows every table under its boId
    const boIds = await createGameTables(games.models.GameTable, 9, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const first = await seedServer(rgs.models, environment._id);
    const a = await seedTables(rgs.models, first._id, { kept: 1, noTraffic: 3, traffic: 2 }, { boIds: boIds.slice(0, 6) });
    const second = await seedServer(rgs.models, environment._id);
    const b = await seedTables(rgs.models, second._id, { noTraffic: 1, traffic: 2 }, { boIds: boIds.slice(6) });
    const boIdOf = new Map((await rgs.models.GameTable.find({}, { boId: 1 }).lean()).map((t) => [String(t._id), String(t.boId)]));
    const expectedDelete = [...a.noTraffic, ...b.noTraffic].map((id) => boIdOf.get(String(id))).sort();
    const expectedArchive = [...a.traffic, ...b.traffic].map((id) => boIdOf.get(String(id))).sort();

    const seededAt = new Date();

    // Act
    const started = await rgs.gql(START_CLEANUP, { environmentId: String(environment._id) });
    const runId = started.body.data!.startCleanup.id;
    const run = await waitForRun(rgs, runId, allSent);

    // Assert: the mutation's response
    expect(started.body.data!.startCleanup).toMatchObject({ status: 'QUEUED', environmentId: String(environment._id) });
    // Assert: RGS state
    expect(run).toMatchObject({ status: 'COMPLETED', serversTotal: 2, serversDone: 2, deletedCount: 4, archivedCount: 4, errors: [] });
    expect(new Date(run.archivedAt).toISOString().slice(11)).toMatch(/^(09|10):11:11\.000Z$/); // 11:11:11 in Malta
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: [...a.noTraffic, ...b.noTraffic] } })).toBe(0);
    const archivedHere = await rgs.models.GameTable.find({ _id: { $in: [...a.traffic, ...b.traffic] } }).lean();
    expect(archivedHere.every((t) => !t.active && t.archivedAt?.toISOString() === run.archivedAt)).toBe(true);
    // Written through the driver, but stamped as the schemas' timestamps would stamp them
    const stamped = await rgs.models.GameTable.collection.find({ _id: { $in: [...a.traffic, ...b.traffic] } }).toArray();
    expect(stamped.every((t) => t.updatedAt > seededAt)).toBe(true);
    const sent = await rgs.models.Dispatch.find({ runId }).lean();
    expect(sent.every((d) => d.sentAt != null && d.updatedAt.getTime() === d.sentAt.getTime() && d.createdAt >= seededAt)).toBe(true);
    expect(await rgs.models.GameTable.countDocuments({ _id: { $in: a.kept }, active: true })).toBe(1);
    // Assert: Games state — one DEFERRED operation per dispatch, same ids, same archivedAt
    const operations = await eventually(
      () => games.models.AsyncOperation.find({ _id: { $in: run.dispatches.map((d: any) => d.gamesOperationId) } }).lean(),
      (ops) => ops.length === run.dispatches.length && ops.every((op) => op.status === 'DEFERRED'),
    );
    const idsOf = (action: string) => operations.filter((op) => op.actionType === action).flatMap((op) => op.succeededIds.map(String)).sort();
    expect(idsOf('DELETE')).toEqual(expectedDelete);
    expect(idsOf('ARCHIVE')).toEqual(expectedArchive);
    expect(new Set(operations.map((op) => op.archivedAt.toISOString()))).toEqual(new Set([run.archivedAt]));
    const archivedInGames = await games.models.GameTable.find({ _id: { $in: [...expectedDelete, ...expectedArchive] } }).lean();
    expect(archivedInGames.every((t) => !t.active && t.archivedAt?.toISOString() === run.archivedAt)).toBe(true);
    const untouched = await games.models.GameTable.findById(boIdOf.get(String(a.kept[0]))).lean();
    expect(untouched?.active).toBe(true);
  });
});
