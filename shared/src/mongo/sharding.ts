import type { Connection, mongo } from 'mongoose';
import type { Logger } from '../logger.js';
import { IncompatibleShardingError } from './incompatible-sharding-error.js';

export { IncompatibleShardingError };

/** A shard key as MongoDB writes it: each field ranged (`1`) or `'hashed'`. */
export type ShardKey = Record<string, 1 | 'hashed'>;

/** A collection the service's documented layout shards, and on which key. */
export interface ShardedCollection {
  /** The collection's name in the service's database. */
  collection: string;
  key: ShardKey;
  /** Why this key: printed by `npm run shard` and kept next to the key it explains. */
  why: string;
  /**
   * Runs before an unsharded collection is sharded, e.g. to move a uniqueness guarantee the key
   * cannot keep to another collection. Must be idempotent: the command may be run again.
   */
  prepare?: (db: mongo.Db) => Promise<void>;
}

/** A collection whose `_id` must be unique across the cluster (it is the uniqueness guarantee). */
export interface UniqueIdCollection {
  collection: string;
  why: string;
}

/**
 * What a service needs of a sharded deployment. The models' unique indexes are checked as they are
 * declared; this adds what the schemas cannot say.
 */
export interface ShardingLayout {
  /** The documented layout: collections to shard and their keys (`npm run shard` applies it). */
  sharded: ShardedCollection[];
  /** Collections that must stay unsharded, each with the reason. */
  unsharded: Array<{ collection: string; why: string }>;
  /** Collections whose `_id` carries a uniqueness guarantee: sharded only on a key starting with `_id`. */
  uniqueIds?: UniqueIdCollection[];
}

/** The shard keys of a database's sharded collections, by collection name (empty when not through a router). */
export type ShardKeys = ReadonlyMap<string, ShardKey>;

/** Whether `db`'s client talks to a router (`mongos`, or a mongod's embedded router). */
export async function isRouter(db: mongo.Db): Promise<boolean> {
  const hello = await db.admin().command({ hello: 1 });
  return hello.msg === 'isdbgrid';
}

/**
 * The shard keys of the sharded collections of `db`, read through the router. Through a replica set
 * nothing is sharded. `$listClusterCatalog` (MongoDB 8.0.10+) needs only the right to list the
 * database's collections; before it, the router's `config.collections`, which needs read on the
 * `config` database. Throws `IncompatibleShardingError` when neither answers.
 */
export async function readShardKeys(db: mongo.Db): Promise<ShardKeys> {
  if (!(await isRouter(db))) return new Map();
  const prefix = `${db.databaseName}.`;
  const fromCatalog = () => db.aggregate<ShardedNamespace>([{ $listClusterCatalog: {} }, { $match: { sharded: true } }, { $project: { ns: 1, key: '$shardKey' } }]).toArray();
  // `unsplittable`: a collection the cluster tracks (e.g. moved off the primary shard) but did not shard.
  const fromConfig = () =>
    db
      .client.db('config')
      .collection<{ _id: string; key: ShardKey }>('collections')
      .find({ _id: { $regex: `^${prefix.replace(/[.$]/g, '\\$&')}` }, unsplittable: { $ne: true } }, { projection: { key: 1 } })
      .map((c) => ({ ns: c._id, key: c.key }))
      .toArray();
  let sharded: ShardedNamespace[];
  try {
    sharded = await fromCatalog();
  } catch (catalogError) {
    try {
      sharded = await fromConfig();
    } catch (configError) {
      throw new IncompatibleShardingError(
        `cannot read the shard keys of ${db.databaseName} through the router: $listClusterCatalog (MongoDB 8.0.10+) failed (${(catalogError as Error).message}), and so did reading config.collections (${(configError as Error).message})`,
      );
    }
  }
  return new Map(sharded.filter((c) => c.ns.startsWith(prefix) && c.key).map((c) => [c.ns.slice(prefix.length), c.key]));
}

interface ShardedNamespace {
  ns: string;
  key: ShardKey;
}

/** `{ serverId: "hashed", _id: 1 }`, as the operator would type it. */
export function formatKey(key: Record<string, unknown>): string {
  return `{ ${Object.entries(key)
    .map(([field, kind]) => `${field}: ${typeof kind === 'string' ? `"${kind}"` : String(kind)}`)
    .join(', ')} }`;
}

/**
 * Whether a unique index on `indexKey` can exist on a collection sharded on `shardKey`: MongoDB
 * enforces uniqueness per shard, so the shard key's fields must come first (a hashed shard key field
 * counts; the unique index itself is ranged).
 */
export function uniqueIndexFits(shardKey: Record<string, unknown>, indexKey: Record<string, unknown>): boolean {
  const shardFields = Object.keys(shardKey);
  const indexFields = Object.keys(indexKey);
  return shardFields.length <= indexFields.length && shardFields.every((field, i) => indexFields[i] === field);
}

/**
 * Checks that the sharded collections of the connection's database keep every guarantee the
 * service relies on: each registered model's unique indexes, the layout's unique `_id`s and its
 * unsharded collections. Throws `IncompatibleShardingError` (one line) for the first problem.
 */
export function requireCompatibleSharding(conn: Connection, keys: ShardKeys, layout: ShardingLayout): void {
  const where = (collection: string) => `${conn.name}.${collection}`;
  const reference = 'see docs/deployment.md#sharded-clusters';
  for (const { collection, why } of layout.unsharded) {
    const key = keys.get(collection);
    if (key) throw new IncompatibleShardingError(`${where(collection)} is sharded on ${formatKey(key)} but must stay unsharded: ${why}; ${reference}`);
  }
  for (const model of Object.values(conn.models)) {
    const collection = model.collection.collectionName;
    const key = keys.get(collection);
    if (!key) continue;
    for (const [indexKey, options] of model.schema.indexes()) {
      if (!options.unique || uniqueIndexFits(key, indexKey)) continue;
      throw new IncompatibleShardingError(
        `${where(collection)} is sharded on ${formatKey(key)} but needs the unique index ${formatKey(indexKey)}, which must start with the shard key; ${reference}`,
      );
    }
  }
  for (const { collection, why } of layout.uniqueIds ?? []) {
    const key = keys.get(collection);
    if (key && !uniqueIndexFits(key, { _id: 1 })) {
      throw new IncompatibleShardingError(`${where(collection)} is sharded on ${formatKey(key)} but its _id must be unique (${why}): shard it on { _id: "hashed" } or leave it unsharded; ${reference}`);
    }
  }
}

/** Says at start-up which collections are sharded, on which keys (nothing when none is). */
export function logShardKeys(logger: Logger, keys: ShardKeys): void {
  if (keys.size === 0) return;
  logger.info({ sharded: Object.fromEntries([...keys].map(([collection, key]) => [collection, formatKey(key)])) }, 'sharded collections');
}

/** What `shardCollections` did with one collection. */
export interface ShardOutcome {
  collection: string;
  key: ShardKey;
  outcome: 'sharded' | 'already sharded';
}

/**
 * Shards the layout's collections of `db` through a router, idempotently: a collection already
 * sharded on its key is left alone, one sharded on another key stops the command (changing a shard
 * key is `reshardCollection`, an operator's decision). A missing collection is created sharded; an
 * existing one is prepared, gets the index of its key, and is sharded in place.
 */
export async function shardCollections(db: mongo.Db, layout: ShardingLayout): Promise<ShardOutcome[]> {
  if (!(await isRouter(db))) throw new Error(`${db.databaseName}: not connected through a router (mongos); sharding needs one`);
  const keys = await readShardKeys(db);
  const outcomes: ShardOutcome[] = [];
  for (const { collection, key, prepare } of layout.sharded) {
    const current = keys.get(collection);
    if (current) {
      if (formatKey(current) !== formatKey(key)) {
        throw new Error(`${db.databaseName}.${collection} is sharded on ${formatKey(current)}, not on ${formatKey(key)}: change it with reshardCollection, or leave it`);
      }
      outcomes.push({ collection, key, outcome: 'already sharded' });
      continue;
    }
    const exists = (await db.listCollections({ name: collection }, { nameOnly: true }).toArray()).length > 0;
    if (exists) {
      await prepare?.(db);
      await db.collection(collection).createIndex(key);
    }
    await db.admin().command({ shardCollection: `${db.databaseName}.${collection}`, key });
    outcomes.push({ collection, key, outcome: 'sharded' });
  }
  return outcomes;
}
