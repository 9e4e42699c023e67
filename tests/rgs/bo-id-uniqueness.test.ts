import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types, type Connection } from 'mongoose';
import { insertGameTables } from '../../rgs/src/data-access/insert-game-tables.js';
import type { RgsModels } from '../../rgs/src/data-access/rgs-models.js';
import { GameTableCleanupService } from '../../rgs/src/domain/game-table-cleanup.service.js';
import { isDuplicateKeyError } from '../../shared/src/mongo/client-bulk-write.js';
import { createLogger } from '../../shared/src/logger.js';
import { transactionRunner } from '../../shared/src/mongo/with-transaction.js';
import { TEST_SHARDED } from '../support/sharded-databases.js';
import { openRgsModels } from './support/rgs-models.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

const table = (serverId: Types.ObjectId, boId: Types.ObjectId) => ({ _id: new Types.ObjectId(), serverId, boId, name: 'Table', currency: 'USD' });

/** On a replica set (npm test) and on gametables sharded on { serverId: "hashed", _id: 1 } (npm run test:sharded). */
describe('one RGS table per Games table (boId)', () => {
  let opened: { conn: Connection; models: RgsModels };
  beforeAll(async () => {
    opened = await openRgsModels();
  });
  afterAll(() => opened.conn.close());

  it('When tables are inserted with a boId another table holds, on another server, then the insert fails with a duplicate key and nothing of it is written', async () => {
    // Arrange: on two servers, so that sharded the tables live on different shards as often as not
    const { models } = opened;
    const environment = await seedEnvironment(models);
    const [a, b] = [await seedServer(models, environment._id), await seedServer(models, environment._id)];
    const taken = new Types.ObjectId();
    await insertGameTables(models, [table(a._id, taken)]);
    const fresh = table(b._id, new Types.ObjectId());
    const duplicate = table(b._id, taken);

    // Act
    const refused = await insertGameTables(models, [fresh, duplicate]).then(() => null, (err: unknown) => err);

    // Assert
    expect(isDuplicateKeyError(refused)).toBe(true);
    expect(await models.GameTable.countDocuments({ boId: taken })).toBe(1);
    expect(await models.GameTable.countDocuments({ _id: { $in: [fresh._id, duplicate._id] } })).toBe(0);
  });

  it('When a cleanup deletes a table, then its boId is free for a new table, and an archived table keeps its own', async () => {
    // Arrange
    const { conn, models } = opened;
    const environment = await seedEnvironment(models, ['EUR']);
    const server = await seedServer(models, environment._id);
    const seeded = await seedTables(models, server._id, { noTraffic: 2, traffic: 1 });
    const boIdsOf = async (ids: Types.ObjectId[]) => (await models.GameTable.find({ _id: { $in: ids } }).lean()).map((t) => t.boId);
    const [deletedBoIds, archivedBoIds] = [await boIdsOf(seeded.noTraffic), await boIdsOf(seeded.traffic)];
    const cleaner = new GameTableCleanupService({
      models,
      withTransaction: transactionRunner(conn),
      dispatchTrigger: { trigger: async () => undefined },
      logger: createLogger({ name: 'test', level: 'silent' }),
    });

    // Act
    await cleaner.cleanServer({ runId: new Types.ObjectId(), serverId: server._id, requiredCurrencies: ['EUR'], archivedAt: new Date('2026-11-26T11:11:11Z'), trafficSince: null });
    const reused = await insertGameTables(models, deletedBoIds.map((boId) => table(server._id, boId))).then(() => null, (err: unknown) => err);
    const archivedAgain = await insertGameTables(models, [table(server._id, archivedBoIds[0]!)]).then(() => null, (err: unknown) => err);

    // Assert
    expect(reused).toBeNull();
    expect(await models.GameTable.countDocuments({ boId: { $in: deletedBoIds } })).toBe(2);
    expect(isDuplicateKeyError(archivedAgain)).toBe(true);
  });

  (TEST_SHARDED ? it.skip : it)('When gametables is not sharded, then a unique index on boId keeps it unique and no claims are kept', async () => {
    // Arrange
    const { models } = opened;

    // Act
    const indexes = await models.GameTable.collection.indexes();
    const collections = await opened.conn.db!.listCollections({ name: 'gametableboids' }).toArray();

    // Assert
    expect(indexes.find((i) => i.name === 'boId_1')).toMatchObject({ key: { boId: 1 }, unique: true });
    expect(models.GameTableBoId).toBeNull();
    expect(collections).toEqual([]);
  });

  (TEST_SHARDED ? it : it.skip)('When gametables is sharded on { serverId: "hashed", _id: 1 }, then each table claims its boId in gametableboids, in place of a unique index', async () => {
    // Arrange
    const { models } = opened;
    const environment = await seedEnvironment(models);
    const server = await seedServer(models, environment._id);

    // Act
    const seeded = await seedTables(models, server._id, { kept: 3 });

    // Assert
    const tables = await models.GameTable.find({ _id: { $in: seeded.kept } }).lean();
    const claims = await models.GameTableBoId!.find({ _id: { $in: tables.map((t) => t.boId) } }).sort({ gameTableId: 1 }).lean();
    expect(claims).toEqual(tables.map((t) => ({ _id: t.boId, gameTableId: t._id, serverId: server._id })).sort((x, y) => (String(x.gameTableId) < String(y.gameTableId) ? -1 : 1)));
    expect((await models.GameTable.collection.indexes()).filter((i) => i.unique)).toEqual([]);
  });
});
