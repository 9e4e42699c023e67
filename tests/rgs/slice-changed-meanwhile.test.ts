import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types, type Connection } from 'mongoose';
import type { RgsModels } from '../../rgs/src/data-access/rgs-models.js';
import { GameTableCleanupService } from '../../rgs/src/domain/game-table-cleanup.service.js';
import { CleanupAction } from '../../rgs/src/domain/statuses.js';
import { createLogger } from '../../shared/src/logger.js';
import { transactionRunner } from '../../shared/src/mongo/with-transaction.js';
import { openRgsModels } from './support/rgs-models.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

describe('a slice that changed between its classification and its transaction', () => {
  let opened: { conn: Connection; models: RgsModels };
  beforeAll(async () => {
    opened = await openRgsModels();
  });
  afterAll(() => opened.conn.close());

  it('When tables of later slices are deactivated, given traffic or removed while the first slice is applied, then each slice changes and sends only the tables still as classified', async () => {
    // Arrange: one page classifies every candidate: DELETE slices of 500, 500, 200, ARCHIVE of 500, 100
    const { conn, models } = opened;
    const environment = await seedEnvironment(models, ['EUR']);
    const server = await seedServer(models, environment._id);
    const tables = await seedTables(models, server._id, { kept: 5, noTraffic: 1_200, traffic: 600 });
    const deactivated = tables.noTraffic[600]!;
    const gotTraffic = tables.noTraffic[700]!;
    const removed = tables.traffic[10]!;
    const boIdOf = async (id: Types.ObjectId) => (await models.GameTable.findById(id).lean())!.boId;
    const [deactivatedBoId, gotTrafficBoId, removedBoId] = [await boIdOf(deactivated), await boIdOf(gotTraffic), await boIdOf(removed)];
    let changedMeanwhile = false;
    // The first slice's commit wakes the outbox: the moment every later slice is classified but not applied.
    const changeLaterSlices = async () => {
      if (changedMeanwhile) return;
      changedMeanwhile = true;
      await models.GameTable.updateOne({ _id: deactivated }, { $set: { active: false } });
      await models.AggregatedGgr.create({ gameTableId: gotTraffic, day: new Date(), currency: 'USD', bets: 1, wins: 0, ggr: 1 });
      await models.GameTable.deleteOne({ _id: removed });
    };
    const cleaner = new GameTableCleanupService({
      models,
      withTransaction: transactionRunner(conn),
      dispatchTrigger: { trigger: changeLaterSlices },
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    const runId = new Types.ObjectId();

    // Act
    const result = await cleaner.cleanServer({ runId, serverId: server._id, requiredCurrencies: ['EUR'], archivedAt: new Date('2026-11-26T11:11:11Z'), trafficSince: null });

    // Assert: the three changed tables are neither changed nor sent; every other candidate is
    const dispatches = await models.Dispatch.find({ runId }).sort({ _id: 1 }).lean();
    expect(result).toEqual({ deleted: 1_200 - 2, archived: 600 - 1, dispatches: 5 });
    expect(dispatches.map((d) => [d.actionType, d.boIds.length])).toEqual([
      [CleanupAction.DELETE, 500],
      [CleanupAction.DELETE, 498],
      [CleanupAction.DELETE, 200],
      [CleanupAction.ARCHIVE, 499],
      [CleanupAction.ARCHIVE, 100],
    ]);
    const sent = new Set(dispatches.flatMap((d) => d.boIds.map(String)));
    expect([deactivatedBoId, gotTrafficBoId, removedBoId].filter((boId) => sent.has(String(boId)))).toEqual([]);
    expect(sent.size).toBe(1_200 - 2 + 600 - 1);
    expect(await models.GameTable.findById(deactivated).lean()).toMatchObject({ active: false, archivedAt: null });
    expect(await models.GameTable.findById(gotTraffic).lean()).toMatchObject({ active: true });
    expect(await models.GameTable.countDocuments({ serverId: server._id })).toBe(5 + 2 + 599);
  });
});
