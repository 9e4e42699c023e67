import { describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { IncompatibleShardingError } from '../../shared/src/mongo/sharding.js';
import { eventually } from '../support/eventually.js';
import { startTestGames } from '../support/games-app.js';
import { freshDatabaseUri } from '../support/mongo.js';
import { startServiceProcess } from '../support/service-process.js';
import { startTestRgs } from '../rgs/support/rgs-app.js';

/** Shards `collection` of the database of `mongoUri` on `key`, as an operator might have. */
async function shard(mongoUri: string, collection: string, key: Record<string, 1 | 'hashed'>): Promise<void> {
  const client = await MongoClient.connect(mongoUri);
  try {
    await client.db('admin').command({ shardCollection: `${client.db().databaseName}.${collection}`, key });
  } finally {
    await client.close();
  }
}

describe('the start-up check of a sharded deployment', () => {
  it('When rgs.cleanupruns is sharded, then RGS exits 1 with one line naming the collection, its key and the unique index it breaks', async () => {
    // Arrange
    const mongoUri = freshDatabaseUri('rgs');
    await shard(mongoUri, 'cleanupruns', { _id: 'hashed' });
    const db = new URL(mongoUri).pathname.slice(1);

    // Act
    const rgs = startServiceProcess('rgs/src/main.js', { RGS_MONGODB_URI: mongoUri, RGS_PORT: '0', RGS_API_TOKEN: 'start-up-check', GAMES_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent' });
    const code = await eventually(async () => rgs.child.exitCode, (exit) => exit !== null, { timeoutMs: 30_000 }).finally(() => rgs.stop());

    // Assert
    expect(code).toBe(1);
    expect(rgs.output().trim().split('\n')).toEqual([
      `${db}.cleanupruns is sharded on { _id: "hashed" } but needs the unique index { activeSlot: 1 }, which must start with the shard key; see docs/deployment.md#sharded-clusters`,
    ]);
  });

  it("When Games's Agenda collection is sharded, then Games refuses to start and says it must stay unsharded", async () => {
    // Arrange
    const mongoUri = freshDatabaseUri('games');
    await shard(mongoUri, 'agendaJobs', { _id: 'hashed' });

    // Act
    const refused = await startTestGames({ mongoUri }).then(
      (games) => games.stop().then(() => null),
      (err: unknown) => err,
    );

    // Assert
    expect(refused).toBeInstanceOf(IncompatibleShardingError);
    expect((refused as Error).message).toMatch(/\.agendaJobs is sharded on \{ _id: "hashed" \} but must stay unsharded: Agenda upserts its recurring jobs by name/);
  });

  it('When rgs.gametables is sharded on { boId: "hashed" }, then RGS starts and keeps boId unique by its index, no claims', async () => {
    // Arrange
    const mongoUri = freshDatabaseUri('rgs');
    await shard(mongoUri, 'gametables', { boId: 'hashed' });

    // Act
    const rgs = await startTestRgs({ mongoUri, shardAsDocumented: false });

    // Assert
    try {
      expect(rgs.models.GameTableBoId).toBeNull();
      expect((await rgs.models.GameTable.collection.indexes()).find((i) => i.unique)).toMatchObject({ key: { boId: 1 } });
    } finally {
      await rgs.stop();
    }
  });

  it('When gametableboids is sharded on a key not starting with _id, then RGS refuses to start: its _id would be unique per shard only', async () => {
    // Arrange
    const mongoUri = freshDatabaseUri('rgs');
    await shard(mongoUri, 'gametableboids', { serverId: 'hashed' });

    // Act
    const refused = await startTestRgs({ mongoUri }).then(
      (rgs) => rgs.stop().then(() => null),
      (err: unknown) => err,
    );

    // Assert
    expect(refused).toBeInstanceOf(IncompatibleShardingError);
    expect((refused as Error).message).toContain('.gametableboids is sharded on { serverId: "hashed" } but its _id must be unique (its _id is the boId it keeps unique)');
  });
});
