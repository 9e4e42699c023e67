import { afterAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { registerGamesModels } from '../../games/src/data-access/games-models.js';
import { GAMES_SHARDING } from '../../games/src/data-access/games-sharding.js';
import { registerRgsModels } from '../../rgs/src/data-access/rgs-models.js';
import { RGS_SHARDING } from '../../rgs/src/data-access/rgs-sharding.js';
import { createLogger } from '../../shared/src/logger.js';
import { connectMongo } from '../../shared/src/mongo/connect.js';
import { IncompatibleShardingError, requireCompatibleSharding, type ShardKey, type ShardingLayout } from '../../shared/src/mongo/sharding.js';
import { freshDatabaseUri } from '../support/mongo.js';

type Service = 'rgs' | 'games';

/**
 * The check a service runs at start-up, given the shard keys a router would report: the models are
 * registered as the service registers them for those keys (nothing is written).
 */
describe('the start-up check of shard keys (shared/src/mongo/sharding.ts)', () => {
  const connections: Connection[] = [];
  const logger = createLogger({ name: 'test', level: 'silent' });
  const check = async (service: Service, sharded: Record<string, ShardKey>): Promise<string | null> => {
    const conn = await connectMongo(freshDatabaseUri(service), logger);
    connections.push(conn);
    const shardKeys = new Map(Object.entries(sharded));
    const layout: ShardingLayout = service === 'rgs' ? RGS_SHARDING : GAMES_SHARDING;
    if (service === 'rgs') registerRgsModels(conn, { shardKeys });
    else registerGamesModels(conn);
    try {
      requireCompatibleSharding(conn, shardKeys, layout);
      return null;
    } catch (err) {
      if (!(err instanceof IncompatibleShardingError)) throw err;
      return err.message.replace(`${conn.name}.`, '<db>.');
    }
  };
  const documented = (layout: ShardingLayout) => Object.fromEntries(layout.sharded.map((c) => [c.collection, c.key]));
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  it('When the collections are sharded as documented, then both services accept them', async () => {
    // Act
    const answers = [await check('rgs', documented(RGS_SHARDING)), await check('games', documented(GAMES_SHARDING))];

    // Assert
    expect(answers).toEqual([null, null]);
  });

  it.each([
    ['rgs', 'gametables', { boId: 'hashed' }],
    ['rgs', 'gametableboids', { _id: 'hashed' }],
    ['games', 'asyncoperations', { messageId: 'hashed' }],
    ['games', 'gametables', { _id: 1 }],
  ] as Array<[Service, string, ShardKey]>)('When %s.%s is sharded on %j, a key its unique indexes start with, then it is accepted', async (service, collection, key) => {
    // Act
    const answer = await check(service, { [collection]: key });

    // Assert
    expect(answer).toBeNull();
  });

  it.each([
    ['rgs', 'cleanupruns', { _id: 'hashed' }, '<db>.cleanupruns is sharded on { _id: "hashed" } but needs the unique index { activeSlot: 1 }, which must start with the shard key; see docs/deployment.md#sharded-clusters'],
    ['rgs', 'environments', { _id: 'hashed' }, '<db>.environments is sharded on { _id: "hashed" } but needs the unique index { name: 1 }, which must start with the shard key; see docs/deployment.md#sharded-clusters'],
    ['games', 'integrationmessages', { _id: 'hashed' }, '<db>.integrationmessages is sharded on { _id: "hashed" } but needs the unique index { idempotencyKey: 1 }, which must start with the shard key; see docs/deployment.md#sharded-clusters'],
    ['games', 'agendaJobs', { name: 1 }, '<db>.agendaJobs is sharded on { name: 1 } but must stay unsharded: Agenda upserts its recurring jobs by name, without a shard key; see docs/deployment.md#sharded-clusters'],
    ['rgs', 'ratelimits', { _id: 'hashed' }, '<db>.ratelimits is sharded on { _id: "hashed" } but must stay unsharded: the rate limiter upserts its counters by key, without a shard key; see docs/deployment.md#sharded-clusters'],
    [
      'rgs',
      'gametableboids',
      { serverId: 1 },
      '<db>.gametableboids is sharded on { serverId: 1 } but its _id must be unique (its _id is the boId it keeps unique): shard it on { _id: "hashed" } or leave it unsharded; see docs/deployment.md#sharded-clusters',
    ],
  ] as Array<[Service, string, ShardKey, string]>)('When %s.%s is sharded on %j, then the service refuses with one line saying why', async (service, collection, key, message) => {
    // Act
    const answer = await check(service, { [collection]: key });

    // Assert
    expect(answer).toBe(message);
  });
});
