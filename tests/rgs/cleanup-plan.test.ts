import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

const PLAN = `query Plan($environmentId: ID!, $serverId: ID) {
  cleanupPlan(environmentId: $environmentId, serverId: $serverId) {
    environmentId serverId archivedAt toDeleteCount toArchiveCount sampleToDelete sampleToArchive
  }
}`;

describe('cleanupPlan, the dry run', () => {
  let rgs: TestRgs;
  const now = new Date('2026-11-25T08:00:00Z');
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient(), env: { CLEANUP_TIME_ZONE: 'Europe/Malta' }, clock: () => now });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  it('When an environment is planned, then it counts what each qualifying server would delete and archive, and changes nothing', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const first = await seedServer(rgs.models, environment._id);
    const a = await seedTables(rgs.models, first._id, { kept: 2, noTraffic: 12, traffic: 3 });
    const second = await seedServer(rgs.models, environment._id);
    const b = await seedTables(rgs.models, second._id, { noTraffic: 1, traffic: 1 });
    const before = await rgs.models.GameTable.find({ serverId: { $in: [first._id, second._id] } }).sort({ _id: 1 }).lean();

    // Act
    const res = await rgs.gql(PLAN, { environmentId: String(environment._id) });

    // Assert: response
    expect(res.body.errors).toBeUndefined();
    const plan = res.body.data!.cleanupPlan;
    expect(plan).toMatchObject({ environmentId: String(environment._id), serverId: null, archivedAt: '2026-11-25T10:11:11.000Z', toDeleteCount: 13, toArchiveCount: 4 });
    expect(plan.sampleToDelete).toHaveLength(10);
    const noTraffic = new Set([...a.noTraffic, ...b.noTraffic].map(String));
    expect(plan.sampleToDelete.every((id: string) => noTraffic.has(id))).toBe(true);
    expect([...plan.sampleToArchive].sort()).toEqual([...a.traffic, ...b.traffic].map(String).sort());
    // Assert: nothing changed, nothing queued
    const after = await rgs.models.GameTable.find({ serverId: { $in: [first._id, second._id] } }).sort({ _id: 1 }).lean();
    expect(after).toEqual(before);
    expect(await rgs.models.Dispatch.countDocuments()).toBe(0);
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(0);
  });

  it('When one server is planned, then only its tables count', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const other = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, other._id, { noTraffic: 5 });
    const server = await seedServer(rgs.models, environment._id);
    const tables = await seedTables(rgs.models, server._id, { noTraffic: 2, traffic: 1 });

    // Act
    const res = await rgs.gql(PLAN, { environmentId: String(environment._id), serverId: String(server._id) });

    // Assert
    expect(res.body.data!.cleanupPlan).toMatchObject({
      serverId: String(server._id),
      toDeleteCount: 2,
      toArchiveCount: 1,
      sampleToArchive: tables.traffic.map(String),
    });
  });

  it('When the server belongs to another environment, then the plan fails with NOT_FOUND', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models);
    const elsewhere = await seedServer(rgs.models, (await seedEnvironment(rgs.models))._id);

    // Act
    const res = await rgs.gql(PLAN, { environmentId: String(environment._id), serverId: String(elsewhere._id) });

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
