import { Types } from 'mongoose';
import { insertGameTables } from '../../../rgs/src/data-access/insert-game-tables.js';
import type { RgsModels } from '../../../rgs/src/data-access/rgs-models.js';

export interface SeededTables {
  /** RGS ids of tables in a required currency: never touched. */
  kept: Types.ObjectId[];
  /** Candidates without traffic. */
  noTraffic: Types.ObjectId[];
  /** Candidates with traffic. */
  traffic: Types.ObjectId[];
}

/** A fresh environment (unique name) with the given required currencies. */
export async function seedEnvironment(models: RgsModels, requiredCurrencies: string[] = ['EUR']) {
  return models.Environment.create({ name: `env-${new Types.ObjectId().toHexString()}`, requiredCurrencies });
}

export async function seedServer(models: RgsModels, environmentId: Types.ObjectId, overrides: { name?: string; active?: boolean } = {}) {
  return models.Server.create({ environmentId, name: overrides.name ?? `server-${new Types.ObjectId().toHexString().slice(-6)}`, active: overrides.active ?? true });
}

/**
 * Tables on a server: `kept` in the required currency EUR, `noTraffic` and `traffic` in USD, the
 * latter each with one AggregatedGgr row on `trafficDay`. `boIds` lets the caller use Games ids.
 */
export async function seedTables(
  models: RgsModels,
  serverId: Types.ObjectId,
  counts: { kept?: number; noTraffic?: number; traffic?: number },
  options: { trafficDay?: Date; boIds?: string[]; currency?: string } = {},
): Promise<SeededTables> {
  const boIds = [...(options.boIds ?? [])];
  const nextBoId = () => (boIds.length > 0 ? new Types.ObjectId(boIds.shift()) : new Types.ObjectId());
  const make = (count: number, currency: string) =>
    Array.from({ length: count }, (_, i) => ({ _id: new Types.ObjectId(), serverId, boId: nextBoId(), name: `Table ${i + 1}`, currency, active: true, archivedAt: null }));
  const kept = make(counts.kept ?? 0, 'EUR');
  const noTraffic = make(counts.noTraffic ?? 0, options.currency ?? 'USD');
  const traffic = make(counts.traffic ?? 0, options.currency ?? 'USD');
  await insertGameTables(models, [...kept, ...noTraffic, ...traffic]);
  const day = options.trafficDay ?? new Date(Date.UTC(2026, 0, 1));
  await models.AggregatedGgr.insertMany(
    traffic.map((t) => ({ gameTableId: t._id, day, currency: t.currency, bets: 100, wins: 90, ggr: 10 })),
    { lean: true },
  );
  return { kept: kept.map((t) => t._id), noTraffic: noTraffic.map((t) => t._id), traffic: traffic.map((t) => t._id) };
}
