import type { Connection } from 'mongoose';
import { createAsyncOperationModel, type AsyncOperationModel } from './async-operation.model.js';
import { createGameTableModel, type GameTableModel, type SchemaPlugin } from './game-table.model.js';
import { createGameTableVersionModel, type GameTableVersionModel } from './game-table-version.model.js';
import { createIntegrationMessageModel, type IntegrationMessageModel } from './integration-message.model.js';

export interface GamesModels {
  GameTable: GameTableModel;
  GameTableVersion: GameTableVersionModel;
  IntegrationMessage: IntegrationMessageModel;
  AsyncOperation: AsyncOperationModel;
}

export interface GamesModelOptions {
  /** Extra callbacks for the GameTable schema (mongoose plugins), applied before version history. */
  gameTablePlugins?: SchemaPlugin[];
}

/** Registers the Games models on `conn`. Collection names are mongoose's defaults: operators query them. */
export function registerGamesModels(conn: Connection, options: GamesModelOptions = {}): GamesModels {
  return {
    GameTableVersion: createGameTableVersionModel(conn),
    GameTable: createGameTableModel(conn, options.gameTablePlugins),
    IntegrationMessage: createIntegrationMessageModel(conn),
    AsyncOperation: createAsyncOperationModel(conn),
  };
}
