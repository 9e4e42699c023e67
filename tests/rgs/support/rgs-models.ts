import type { Connection } from 'mongoose';
import { createLogger } from '../../../shared/src/logger.js';
import { connectMongo, ensureCollections } from '../../../shared/src/mongo/connect.js';
import { registerRgsModels, type RgsModels } from '../../../rgs/src/data-access/rgs-models.js';
import { freshDatabaseUri } from '../../support/mongo.js';

/** The RGS models on a fresh database, for tests of the domain without the app around it. */
export async function openRgsModels(): Promise<{ conn: Connection; models: RgsModels }> {
  const conn = await connectMongo(freshDatabaseUri('rgs'), createLogger({ name: 'rgs-test', level: 'silent' }));
  const models = registerRgsModels(conn);
  await ensureCollections(conn);
  return { conn, models };
}
