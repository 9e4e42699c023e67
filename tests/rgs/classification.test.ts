import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import type { RgsModels } from '../../rgs/src/data-access/rgs-models.js';
import { classifiedCounts, classifiedSlices, type ClassifiedSlice } from '../../rgs/src/domain/classify-game-tables.js';
import { countQualifyingServers, isQualifying, nextQualifyingServer } from '../../rgs/src/domain/qualifying-servers.js';
import { CleanupAction } from '../../rgs/src/domain/statuses.js';
import { trafficSince } from '../../rgs/src/domain/traffic-window.js';
import { openRgsModels } from './support/rgs-models.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

const ids = (slices: ClassifiedSlice[], action: CleanupAction) =>
  slices.filter((s) => s.action === action).flatMap((s) => s.tableIds.map(String)).sort();

async function collect(generator: AsyncGenerator<ClassifiedSlice>): Promise<ClassifiedSlice[]> {
  const slices: ClassifiedSlice[] = [];
  for await (const slice of generator) slices.push(slice);
  return slices;
}

describe('classification of servers and game tables', () => {
  let conn: Connection;
  let models: RgsModels;
  beforeAll(async () => {
    ({ conn, models } = await openRgsModels());
  });
  afterAll(async () => {
    await conn.close();
  });

  describe('when is a server qualifying', () => {
    it('When an active server has an active table outside the required currencies, then it qualifies', async () => {
      // Arrange
      const environment = await seedEnvironment(models, ['EUR']);
      const server = await seedServer(models, environment._id);
      await seedTables(models, server._id, { kept: 2, noTraffic: 1 });

      // Act
      const qualifies = await isQualifying(models, server.toObject(), environment.toObject());

      // Assert
      expect(qualifies).toBe(true);
    });

    it('When its only tables are in required currencies, inactive, or the server itself is inactive, then it does not qualify', async () => {
      // Arrange
      const environment = await seedEnvironment(models, ['EUR', 'GBP']);
      const onlyRequired = await seedServer(models, environment._id);
      await seedTables(models, onlyRequired._id, { kept: 3 });
      await seedTables(models, onlyRequired._id, { noTraffic: 1 }, { currency: 'GBP' });
      const onlyInactive = await seedServer(models, environment._id);
      const inactive = await seedTables(models, onlyInactive._id, { noTraffic: 2 });
      await models.GameTable.updateMany({ _id: { $in: inactive.noTraffic } }, { $set: { active: false } });
      const inactiveServer = await seedServer(models, environment._id, { active: false });
      await seedTables(models, inactiveServer._id, { noTraffic: 2 });

      // Act
      const count = await countQualifyingServers(models, environment.toObject());

      // Assert
      expect(count).toBe(0);
    });

    it('When asked for the next qualifying server, then it walks the servers in _id order after the given one', async () => {
      // Arrange
      const environment = await seedEnvironment(models, ['EUR']);
      const first = await seedServer(models, environment._id);
      await seedTables(models, first._id, { noTraffic: 1 });
      const notQualifying = await seedServer(models, environment._id);
      await seedTables(models, notQualifying._id, { kept: 1 });
      const third = await seedServer(models, environment._id);
      await seedTables(models, third._id, { traffic: 1 });

      // Act
      const afterNone = await nextQualifyingServer(models, environment.toObject(), null);
      const afterFirst = await nextQualifyingServer(models, environment.toObject(), first._id);
      const afterThird = await nextQualifyingServer(models, environment.toObject(), third._id);

      // Assert
      expect(String(afterNone?._id)).toBe(String(first._id));
      expect(String(afterFirst?._id)).toBe(String(third._id));
      expect(afterThird).toBeNull();
    });
  });

  describe('which tables are deleted and which archived', () => {
    it('When candidates have no traffic they are to delete, with traffic to archive, and required-currency tables are left out', async () => {
      // Arrange
      const environment = await seedEnvironment(models, ['EUR']);
      const server = await seedServer(models, environment._id);
      const tables = await seedTables(models, server._id, { kept: 2, noTraffic: 3, traffic: 2 });

      // Act
      const slices = await collect(classifiedSlices(models, { serverId: server._id, requiredCurrencies: ['EUR'], trafficSince: null }));

      // Assert
      expect(ids(slices, CleanupAction.DELETE)).toEqual(tables.noTraffic.map(String).sort());
      expect(ids(slices, CleanupAction.ARCHIVE)).toEqual(tables.traffic.map(String).sort());
    });

    it('When a look-back window is set, then traffic older than the window does not count and those tables are to delete', async () => {
      // Arrange
      const now = new Date('2026-11-25T10:00:00Z');
      const environment = await seedEnvironment(models, ['EUR']);
      const server = await seedServer(models, environment._id);
      const old = await seedTables(models, server._id, { traffic: 2 }, { trafficDay: new Date('2026-10-01T00:00:00Z') });
      const recent = await seedTables(models, server._id, { traffic: 1 }, { trafficDay: new Date('2026-11-20T00:00:00Z') });

      // Act
      const slices = await collect(
        classifiedSlices(models, { serverId: server._id, requiredCurrencies: ['EUR'], trafficSince: trafficSince(now, 30) }),
      );

      // Assert
      expect(ids(slices, CleanupAction.DELETE)).toEqual(old.traffic.map(String).sort());
      expect(ids(slices, CleanupAction.ARCHIVE)).toEqual(recent.traffic.map(String).sort());
    });

    it('When a server has more than 500 candidates, then they come in full slices of 500 per action and a remainder', async () => {
      // Arrange
      const environment = await seedEnvironment(models, ['EUR']);
      const server = await seedServer(models, environment._id);
      await seedTables(models, server._id, { noTraffic: 1_203, traffic: 7 });

      // Act
      const slices = await collect(classifiedSlices(models, { serverId: server._id, requiredCurrencies: ['EUR'], trafficSince: null }));

      // Assert
      const sizes = slices.map((s) => `${s.action}:${s.tableIds.length}`);
      expect(sizes.filter((s) => s.startsWith('DELETE'))).toEqual(['DELETE:500', 'DELETE:500', 'DELETE:203']);
      expect(sizes.filter((s) => s.startsWith('ARCHIVE'))).toEqual(['ARCHIVE:7']);
    });

    it('When counted over several pages (the plan), then each action has as many candidates as the slices hold and its first ids as sample', async () => {
      // Arrange: traffic inside and outside a window, pages of 300
      const environment = await seedEnvironment(models, ['EUR']);
      const server = await seedServer(models, environment._id);
      await seedTables(models, server._id, { kept: 50, noTraffic: 650, traffic: 120 }, { trafficDay: new Date(Date.UTC(2026, 10, 20)) });
      await seedTables(models, server._id, { traffic: 40 }, { trafficDay: new Date(Date.UTC(2026, 0, 1)) });
      const scope = { serverId: server._id, requiredCurrencies: ['EUR'], trafficSince: new Date(Date.UTC(2026, 9, 1)) };

      // Act
      const counts = await classifiedCounts(models, scope, 10, { pageSize: 300 });

      // Assert: what the run's slices would hold
      const slices = await collect(classifiedSlices(models, scope));
      for (const action of [CleanupAction.DELETE, CleanupAction.ARCHIVE]) {
        expect(counts[action].count).toBe(ids(slices, action).length);
        expect(counts[action].sample.map(String)).toEqual(ids(slices, action).slice(0, 10));
      }
      expect(counts[CleanupAction.DELETE].count).toBe(650 + 40);
    });

    it('When candidates span several pages, then slices still fill across pages and every candidate comes exactly once', async () => {
      // Arrange: pages of 300 do not line up with slices of 500
      const environment = await seedEnvironment(models, ['EUR']);
      const server = await seedServer(models, environment._id);
      const seeded = await seedTables(models, server._id, { noTraffic: 1_203, traffic: 7 });

      // Act
      const slices = await collect(classifiedSlices(models, { serverId: server._id, requiredCurrencies: ['EUR'], trafficSince: null }, { pageSize: 300 }));

      // Assert
      const sizes = slices.map((s) => `${s.action}:${s.tableIds.length}`);
      expect(sizes.filter((s) => s.startsWith('DELETE'))).toEqual(['DELETE:500', 'DELETE:500', 'DELETE:203']);
      expect(ids(slices, CleanupAction.DELETE)).toEqual(seeded.noTraffic.map(String).sort());
      expect(ids(slices, CleanupAction.ARCHIVE)).toEqual(seeded.traffic.map(String).sort());
    });
  });
});
