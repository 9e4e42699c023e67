import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { Types } from 'mongoose';
import { insertGameTables } from '../../rgs/src/data-access/insert-game-tables.js';
import { registerRgsModels } from '../../rgs/src/data-access/rgs-models.js';
import { createLogger } from '../../shared/src/logger.js';
import { connectMongo, ensureCollections } from '../../shared/src/mongo/connect.js';
import { readShardKeys } from '../../shared/src/mongo/sharding.js';
import { freshDatabaseUri } from '../support/mongo.js';
import { startTestRgs } from '../rgs/support/rgs-app.js';

/** `npm run shard -- …` as an operator runs it (from the build): exit code and output. */
async function shardCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [resolve('dist/scripts/shard.js'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

const databaseOf = (uri: string) => new URL(uri).pathname.slice(1);
const routerUri = () => process.env.TEST_MONGODB_URI!;

describe('npm run shard', () => {
  it('When it runs on an existing unsharded deployment, then the documented collections are sharded, every RGS table claims its boId, and RGS starts on it; run again, it changes nothing', async () => {
    // Arrange: RGS's collections as an unsharded deployment has them (unique index on boId), with tables
    const rgsUri = freshDatabaseUri('rgs');
    const gamesDb = databaseOf(freshDatabaseUri('games'));
    const conn = await connectMongo(rgsUri, createLogger({ name: 'test', level: 'silent' }));
    const models = registerRgsModels(conn);
    await ensureCollections(conn);
    const serverId = new Types.ObjectId();
    const boIds = Array.from({ length: 20 }, () => new Types.ObjectId());
    await insertGameTables(
      models,
      boIds.map((boId, i) => ({ serverId, boId, name: `Table ${i}`, currency: 'USD' })),
    );
    await conn.close();

    // Act
    const first = await shardCommand('--uri', routerUri(), '--rgs-db', databaseOf(rgsUri), '--games-db', gamesDb);
    const second = await shardCommand('--uri', routerUri(), '--rgs-db', databaseOf(rgsUri), '--games-db', gamesDb);

    // Assert: the layout, the claims, the index gone
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.split('\n').filter(Boolean).map((line) => line.replace(/ \(.*\)$/, ''))).toEqual([
      `${databaseOf(rgsUri)}.gametables: sharded on { serverId: "hashed", _id: 1 }`,
      `${databaseOf(rgsUri)}.aggregatedggrs: sharded on { gameTableId: "hashed" }`,
      `${gamesDb}.gametables: sharded on { _id: "hashed" }`,
      `${gamesDb}.gametableversions: sharded on { gameTableId: "hashed" }`,
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout.split('\n').filter(Boolean).every((line) => line.includes(': already sharded on '))).toBe(true);
    const client = await MongoClient.connect(routerUri());
    try {
      const rgsDb = client.db(databaseOf(rgsUri));
      expect(Object.fromEntries(await readShardKeys(rgsDb))).toEqual({ gametables: { serverId: 'hashed', _id: 1 }, aggregatedggrs: { gameTableId: 'hashed' } });
      expect(Object.fromEntries(await readShardKeys(client.db(gamesDb)))).toEqual({ gametables: { _id: 'hashed' }, gametableversions: { gameTableId: 'hashed' } });
      const claims = await rgsDb.collection('gametableboids').find().toArray();
      expect(claims.map((c) => String(c._id)).sort()).toEqual(boIds.map(String).sort());
      expect((await rgsDb.collection('gametables').indexes()).filter((i) => i.unique)).toEqual([]);
    } finally {
      await client.close();
    }
    // Assert: RGS starts on it, keeping boIds by the claims
    const rgs = await startTestRgs({ mongoUri: rgsUri });
    try {
      expect(rgs.models.GameTableBoId).not.toBeNull();
      expect(await rgs.models.GameTableBoId!.countDocuments()).toBe(20);
    } finally {
      await rgs.stop();
    }
  });

  it('When a collection is sharded on another key, then it stops and names the collection and both keys, exit 1', async () => {
    // Arrange
    const rgsDb = databaseOf(freshDatabaseUri('rgs'));
    const client = await MongoClient.connect(routerUri());
    try {
      await client.db('admin').command({ shardCollection: `${rgsDb}.aggregatedggrs`, key: { day: 1 } });
    } finally {
      await client.close();
    }

    // Act
    const result = await shardCommand('--uri', routerUri(), '--rgs-db', rgsDb, '--service', 'rgs');

    // Assert
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`${rgsDb}.aggregatedggrs is sharded on { day: 1 }, not on { gameTableId: "hashed" }: change it with reshardCollection, or leave it`);
  });

  it('When --uri is missing, then it prints the usage, exit 2', async () => {
    // Act
    const result = await shardCommand('--rgs-db', 'rgs');

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--uri is required');
    expect(result.stderr).toContain('Usage:');
  });
});
