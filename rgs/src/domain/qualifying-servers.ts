import type { Types } from 'mongoose';
import type { RgsModels } from '../data-access/rgs-models.js';
import { candidateFilter } from './classify-game-tables.js';

export interface EnvironmentRecord {
  _id: Types.ObjectId;
  name: string;
  requiredCurrencies: string[];
}

export interface ServerRecord {
  _id: Types.ObjectId;
  environmentId: Types.ObjectId;
  name: string;
  active: boolean;
}

/** A qualifying server is active and has at least one active table outside the required currencies. */
export async function isQualifying(models: RgsModels, server: ServerRecord, environment: EnvironmentRecord): Promise<boolean> {
  if (!server.active) return false;
  return (await models.GameTable.exists(candidateFilter(server._id, environment.requiredCurrencies))) !== null;
}

/**
 * The environment's qualifying servers in `_id` order (the chain's stable order), after `afterId`
 * when given. Streams the servers with a cursor.
 */
export async function* qualifyingServers(
  models: RgsModels,
  environment: EnvironmentRecord,
  afterId: Types.ObjectId | null = null,
): AsyncGenerator<ServerRecord> {
  const cursor = models.Server.find({ environmentId: environment._id, active: true, ...(afterId ? { _id: { $gt: afterId } } : {}) })
    .sort({ _id: 1 })
    .lean<ServerRecord[]>()
    .cursor();
  try {
    for await (const server of cursor) {
      if (await isQualifying(models, server, environment)) yield server;
    }
  } finally {
    await cursor.close();
  }
}

/** The next qualifying server after `afterId`, or null when the chain is at its end. */
export async function nextQualifyingServer(
  models: RgsModels,
  environment: EnvironmentRecord,
  afterId: Types.ObjectId | null,
): Promise<ServerRecord | null> {
  for await (const server of qualifyingServers(models, environment, afterId)) return server;
  return null;
}

export async function countQualifyingServers(models: RgsModels, environment: EnvironmentRecord): Promise<number> {
  let count = 0;
  for await (const _server of qualifyingServers(models, environment)) count += 1;
  return count;
}
