import { Types, type mongo } from 'mongoose';

type Db = mongo.Db;

/** The shape of issue 11: 4 environments × 10 servers, ~30% of tables outside the required currencies, half of those with traffic. */
export const ENVIRONMENTS = 4;
export const SERVERS_PER_ENVIRONMENT = 10;
export const REQUIRED_CURRENCIES = ['EUR'];
const INSERT_CHUNK = 10_000;

export interface SeededShape {
  tables: number;
  /** Tables outside the required currencies: what a run changes. */
  candidates: number;
  /** Candidates with traffic: archived; the others are deleted. */
  withTraffic: number;
}

/** Table `i` of `n`: which server, and whether it is a candidate and has traffic (decided by `i`, so two copies match). */
function tableKind(i: number): { candidate: boolean; traffic: boolean } {
  const r = i % 20;
  return { candidate: r % 10 < 3, traffic: r < 3 };
}

/**
 * Seeds `tables` RGS game tables in the shape into `rgs`, and the Games tables of the
 * candidates (the ids RGS sends) into `games`. Ids are derived from `seed`, so the project's copy
 * and the raw script's copy hold the same logical data. Indexes are the ones the services create.
 */
export async function seedWholeRun(rgs: Db, games: Db, tables: number): Promise<SeededShape> {
  const now = new Date();
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 86_400_000);
  const servers: Types.ObjectId[] = [];
  for (let e = 0; e < ENVIRONMENTS; e++) {
    const environmentId = new Types.ObjectId();
    await rgs.collection('environments').insertOne({ _id: environmentId, name: `bench-env-${e}`, requiredCurrencies: REQUIRED_CURRENCIES, createdAt: now, updatedAt: now, __v: 0 });
    for (let s = 0; s < SERVERS_PER_ENVIRONMENT; s++) {
      const serverId = new Types.ObjectId();
      servers.push(serverId);
      await rgs.collection('servers').insertOne({ _id: serverId, environmentId, name: `bench-${e}-${s}`, active: true, createdAt: now, updatedAt: now, __v: 0 });
    }
  }
  const shape: SeededShape = { tables, candidates: 0, withTraffic: 0 };
  const perServer = Math.ceil(tables / servers.length);
  for (let start = 0; start < tables; start += INSERT_CHUNK) {
    const rgsTables = [];
    const gamesTables = [];
    const traffic = [];
    for (let i = start; i < Math.min(start + INSERT_CHUNK, tables); i++) {
      const kind = tableKind(i);
      const _id = new Types.ObjectId();
      const boId = new Types.ObjectId();
      const currency = kind.candidate ? 'USD' : 'EUR';
      const name = `bench table ${i}`;
      rgsTables.push({ _id, serverId: servers[Math.floor(i / perServer)]!, boId, name, currency, active: true, archivedAt: null, createdAt: now, updatedAt: now, __v: 0 });
      if (kind.candidate) {
        shape.candidates++;
        gamesTables.push({ _id: boId, name, currency, active: true, archivedAt: null, createdAt: now, updatedAt: now, __v: 0 });
      }
      if (kind.traffic) {
        shape.withTraffic++;
        traffic.push({ gameTableId: _id, day, currency, bets: 100, wins: 90, ggr: 10 });
      }
    }
    await rgs.collection('gametables').insertMany(rgsTables, { ordered: false });
    if (gamesTables.length > 0) await games.collection('gametables').insertMany(gamesTables, { ordered: false });
    if (traffic.length > 0) await rgs.collection('aggregatedggrs').insertMany(traffic, { ordered: false });
  }
  return shape;
}

/**
 * The indexes the services' models declare, for the raw script's copy (the services build their own).
 * `uniqueBoId: false`: RGS keeps boId unique by claims instead (a sharded `gametables`, docs/decisions/0022).
 */
export async function createServiceIndexes(rgs: Db, games: Db, options: { uniqueBoId: boolean }): Promise<void> {
  await rgs.collection('gametables').createIndexes([{ key: { serverId: 1, active: 1, _id: 1, currency: 1 } }, ...(options.uniqueBoId ? [{ key: { boId: 1 }, unique: true }] : [])]);
  await rgs.collection('aggregatedggrs').createIndex({ gameTableId: 1, day: -1 });
  await rgs.collection('servers').createIndex({ environmentId: 1, _id: 1 });
  await rgs.collection('dispatches').createIndexes([{ key: { status: 1, nextAttemptAt: 1 } }, { key: { runId: 1, _id: 1 } }]);
  await games.collection('gametables').createIndex({ active: 1, currency: 1 });
  await games.collection('gametableversions').createIndexes([{ key: { gameTableId: 1, createdAt: 1 } }, { key: { operationId: 1 } }]);
  await games.collection('asyncoperations').createIndexes([{ key: { status: 1, updatedAt: 1 } }, { key: { messageId: 1 }, unique: true }, { key: { actionType: 1, status: 1, _id: -1 } }]);
}
