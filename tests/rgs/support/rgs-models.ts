import type { Connection } from 'mongoose';
import { createLogger } from '../../../shared/src/logger.js';
import { connectMongo, ensureCollections } from '../../../shared/src/mongo/connect.js';
import { readShardKeys } from '../../../shared/src/mongo/sharding.js';
import { registerRgsModels, type RgsModels } from '../../../rgs/src/data-access/rgs-models.js';
import { RGS_SHARDING } from '../../../rgs/src/data-access/rgs-sharding.js';
import { freshDatabaseUri } from '../../support/mongo.js';
import { shardForTests } from '../../support/sharded-databases.js';

/** The RGS models on a fresh database, for tests of the domain without the app around it. */
export async function openRgsModels(): Promise<{ conn: Connection; models: RgsModels }> {
  return openRgsModelsOn(freshDatabaseUri('rgs'));
}

/** The RGS models on `mongoUri`, with collections and indexes, e.g. to seed a database RGS processes will share. */
export async function openRgsModelsOn(mongoUri: string): Promise<{ conn: Connection; models: RgsModels }> {
  await shardForTests(mongoUri, RGS_SHARDING);
  const conn = await connectMongo(mongoUri, createLogger({ name: 'rgs-test', level: 'silent' }));
  const models = registerRgsModels(conn, { shardKeys: await readShardKeys(conn.db!) });
  await ensureCollections(conn);
  return { conn, models };
}
