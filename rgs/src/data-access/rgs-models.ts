import type { Connection } from 'mongoose';
import { createAggregatedGgrModel, type AggregatedGgrModel } from './aggregated-ggr.model.js';
import { createCleanupRunModel, type CleanupRunModel } from './cleanup-run.model.js';
import { createDispatchModel, type DispatchModel } from './dispatch.model.js';
import { createEnvironmentModel, type EnvironmentModel } from './environment.model.js';
import type { ShardKeys } from '../../../shared/src/mongo/sharding.js';
import { createGameTableBoIdModel, type GameTableBoIdModel } from './game-table-bo-id.model.js';
import { GAME_TABLES_COLLECTION, boIdUniquenessFor, createGameTableModel, type GameTableModel, type SchemaPlugin } from './game-table.model.js';
import { createServerModel, type ServerModel } from './server.model.js';

export interface RgsModels {
  Environment: EnvironmentModel;
  Server: ServerModel;
  GameTable: GameTableModel;
  /** The boId claims, where the shard key of `gametables` keeps a unique index off `boId`; else null. */
  GameTableBoId: GameTableBoIdModel | null;
  AggregatedGgr: AggregatedGgrModel;
  CleanupRun: CleanupRunModel;
  Dispatch: DispatchModel;
}

export interface RgsModelOptions {
  /** Extra callbacks for the GameTable schema (mongoose plugins). */
  gameTablePlugins?: SchemaPlugin[] | undefined;
  /** The database's shard keys (shared/src/mongo/sharding.ts): they decide how `boId` stays unique. */
  shardKeys?: ShardKeys | undefined;
}

/** Registers the RGS models on `conn`. */
export function registerRgsModels(conn: Connection, options: RgsModelOptions = {}): RgsModels {
  const boIdUniqueness = boIdUniquenessFor(options.shardKeys?.get(GAME_TABLES_COLLECTION));
  return {
    Environment: createEnvironmentModel(conn),
    Server: createServerModel(conn),
    GameTable: createGameTableModel(conn, options.gameTablePlugins, boIdUniqueness),
    GameTableBoId: boIdUniqueness === 'claims' ? createGameTableBoIdModel(conn) : null,
    AggregatedGgr: createAggregatedGgrModel(conn),
    CleanupRun: createCleanupRunModel(conn),
    Dispatch: createDispatchModel(conn),
  };
}
