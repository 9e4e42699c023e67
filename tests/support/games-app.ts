import { createLogger, type Logger } from '../../shared/src/logger.js';
import { loadGamesConfig } from '../../games/src/config.js';
import type { SchemaPlugin } from '../../games/src/data-access/game-table.model.js';
import { GAMES_SHARDING } from '../../games/src/data-access/games-sharding.js';
import { startGamesApp, type GamesApp } from '../../games/src/games-app.js';
import { asTestService, type TestService } from './graphql-client.js';
import { freshDatabaseUri } from './mongo.js';
import { shardForTests } from './sharded-databases.js';
import { TEST_SERVICE_ENV } from './test-env.js';
import { useStarted } from './use-started.js';

export const TEST_GAMES_TOKEN = 'test-games-token';

export type TestGames = TestService<GamesApp>;

export interface TestGamesOptions {
  env?: Record<string, string>;
  gameTablePlugins?: SchemaPlugin[];
  workers?: boolean;
  mongoUri?: string;
  /** Replaces the silent test logger (e.g. to capture lines). */
  logger?: Logger;
}

/**
 * Starts Games in-process on a fresh database and a free port, with test settings: no pause
 * between batches, fast Agenda polling, silent logs. `env` overrides any variable.
 */
export async function startTestGames(options: TestGamesOptions = {}): Promise<TestGames> {
  const config = loadGamesConfig({
    ...TEST_SERVICE_ENV,
    GAMES_PORT: '0',
    GAMES_API_TOKEN: TEST_GAMES_TOKEN,
    CLEANUP_BATCH_PAUSE_MS: '0',
    CLEANUP_LOCK_LIFETIME_MS: '10000',
    ...options.env,
  });
  const mongoUri = options.mongoUri ?? freshDatabaseUri('games');
  await shardForTests(mongoUri, GAMES_SHARDING);
  const app = await startGamesApp(config, {
    mongoUri,
    logger: options.logger ?? createLogger({ name: 'games', level: config.logLevel }),
    gameTablePlugins: options.gameTablePlugins,
    workers: options.workers,
  });
  return asTestService(app, mongoUri, TEST_GAMES_TOKEN);
}

/** A test Games for the tests of the enclosing `describe` (started before them, stopped after). */
export function useTestGames(options: TestGamesOptions = {}): TestGames {
  return useStarted(() => startTestGames(options));
}
