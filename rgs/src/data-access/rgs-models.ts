import type { Connection } from 'mongoose';
import { createAggregatedGgrModel, type AggregatedGgrModel } from './aggregated-ggr.model.js';
import { createCleanupRunModel, type CleanupRunModel } from './cleanup-run.model.js';
import { createDispatchModel, type DispatchModel } from './dispatch.model.js';
import { createEnvironmentModel, type EnvironmentModel } from './environment.model.js';
import { createGameTableModel, type GameTableModel, type SchemaPlugin } from './game-table.model.js';
import { createServerModel, type ServerModel } from './server.model.js';

export interface RgsModels {
  Environment: EnvironmentModel;
  Server: ServerModel;
  GameTable: GameTableModel;
  AggregatedGgr: AggregatedGgrModel;
  CleanupRun: CleanupRunModel;
  Dispatch: DispatchModel;
}

export interface RgsModelOptions {
  /** Extra callbacks for the GameTable schema (mongoose plugins). */
  gameTablePlugins?: SchemaPlugin[] | undefined;
}

/** Registers the RGS models on `conn`. */
export function registerRgsModels(conn: Connection, options: RgsModelOptions = {}): RgsModels {
  return {
    Environment: createEnvironmentModel(conn),
    Server: createServerModel(conn),
    GameTable: createGameTableModel(conn, options.gameTablePlugins),
    AggregatedGgr: createAggregatedGgrModel(conn),
    CleanupRun: createCleanupRunModel(conn),
    Dispatch: createDispatchModel(conn),
  };
}
