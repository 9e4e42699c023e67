import { createLogger, type Logger } from '../../../shared/src/logger.js';
import { loadRgsConfig } from '../../../rgs/src/config.js';
import type { SchemaPlugin } from '../../../rgs/src/data-access/game-table.model.js';
import { RGS_SHARDING } from '../../../rgs/src/data-access/rgs-sharding.js';
import type { GamesClient } from '../../../rgs/src/data-access/games.client.js';
import { startRgsApp, type RgsApp } from '../../../rgs/src/rgs-app.js';
import { asTestService, type TestService } from '../../support/graphql-client.js';
import { TEST_GAMES_TOKEN, useTestGames, type TestGames } from '../../support/games-app.js';
import { freshDatabaseUri } from '../../support/mongo.js';
import { shardForTests } from '../../support/sharded-databases.js';
import { useStarted } from '../../support/use-started.js';
import { TEST_SERVICE_ENV } from '../../support/test-env.js';

export const TEST_RGS_TOKEN = 'test-rgs-token';

export type TestRgs = TestService<RgsApp>;

export interface TestRgsOptions {
  env?: Record<string, string>;
  gamesClient?: GamesClient;
  gameTablePlugins?: SchemaPlugin[];
  clock?: () => Date;
  logger?: Logger;
  /** The server to use (a database of its own is made on it); default: the shared test replica set. */
  serverUri?: string;
  /** A database to start on (default: a fresh one on `serverUri`). */
  mongoUri?: string;
  /** In `npm run test:sharded`, shard the database as documented first (default true). */
  shardAsDocumented?: boolean;
}

/**
 * Starts RGS in-process on a fresh database and a free port, with test settings: fast Agenda
 * polling and a fast outbox, silent logs, and no blast-radius limit (CLEANUP_MAX_SHARE=1: most
 * tests seed servers whose every table is a candidate; the limit's own tests set it). `env`
 * overrides any variable.
 */
export async function startTestRgs(options: TestRgsOptions = {}): Promise<TestRgs> {
  const config = loadRgsConfig({
    ...TEST_SERVICE_ENV,
    RGS_PORT: '0',
    RGS_API_TOKEN: TEST_RGS_TOKEN,
    GAMES_URL: 'http://127.0.0.1:9',
    GAMES_API_TOKEN: 'unused',
    DISPATCH_INTERVAL_MS: '200',
    DISPATCH_BACKOFF_MS: '100',
    DISPATCH_BACKOFF_MAX_MS: '400',
    DISPATCH_TIMEOUT_MS: '5000',
    CLEANUP_MAX_SHARE: '1',
    ...options.env,
  });
  const mongoUri = options.mongoUri ?? freshDatabaseUri('rgs', options.serverUri);
  if (options.shardAsDocumented ?? true) await shardForTests(mongoUri, RGS_SHARDING);
  const app = await startRgsApp(config, {
    mongoUri,
    logger: options.logger ?? createLogger({ name: 'rgs', level: config.logLevel }),
    gamesClient: options.gamesClient,
    gameTablePlugins: options.gameTablePlugins,
    clock: options.clock,
  });
  return asTestService(app, mongoUri, TEST_RGS_TOKEN);
}

/**
 * A test Games and a test RGS that sends to it, for the tests of the enclosing `describe`.
 * `rgsEnv` adds RGS settings (the Games URL and token are set here).
 */
export function useConnectedServices(rgsEnv: Record<string, string> = {}): { games: TestGames; rgs: TestRgs } {
  const games = useTestGames({ env: { CLEANUP_LOCK_LIFETIME_MS: '4000' } });
  const rgs = useStarted(() => startTestRgs({ env: { GAMES_URL: games.url, GAMES_API_TOKEN: TEST_GAMES_TOKEN, ...rgsEnv } }));
  return { games, rgs };
}
