import type { Connection } from 'mongoose';
import { createLogger } from '../../../shared/src/logger.js';
import { connectMongo, ensureCollections } from '../../../shared/src/mongo/connect.js';
import { registerRgsModels, type RgsModels } from '../../../rgs/src/data-access/rgs-models.js';
import { freshDatabaseUri } from '../../support/mongo.js';

/** The RGS models on a fresh database, for tests of the domain without the app around it. */
export async function openRgsModels(): Promise<{ conn: Connection; models: RgsModels }> {
  return openRgsModelsOn(freshDatabaseUri('rgs'));
}

/** The RGS models on `mongoUri`, with collections and indexes, e.g. to seed a database RGS processes will share. */
export async function openRgsModelsOn(mongoUri: string): Promise<{ conn: Connection; models: RgsModels }> {
  const conn = await connectMongo(mongoUri, createLogger({ name: 'rgs-test', level: 'silent' }));
  const models = registerRgsModels(conn);
  await ensureCollections(conn);
  return { conn, models };
}
