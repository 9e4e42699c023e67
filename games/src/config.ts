import {
  baseEnvSchema,
  mongoUri,
  nonNegativeInt,
  optionalString,
  parseConfig,
  port,
  positiveInt,
  resolveServiceConfig,
  type ServiceConfig,
} from '../../shared/src/config.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';

const gamesEnvSchema = baseEnvSchema.extend({
  GAMES_MONGODB_URI: mongoUri,
  GAMES_PORT: port(4001),
  GAMES_API_TOKEN: optionalString,
  CLEANUP_BATCH_SIZE: positiveInt(100),
  CLEANUP_BATCH_PAUSE_MS: nonNegativeInt(500),
  /** How long the worker's lock lasts without a touch; it touches after every batch. */
  CLEANUP_LOCK_LIFETIME_MS: positiveInt(10 * 60_000),
  MESSAGE_RETENTION_DAYS: positiveInt(30),
});

/** Games settings; `mongoUri` unset means an embedded replica set with database `games`. */
export interface GamesConfig extends ServiceConfig {
  cleanup: { batchSize: number; batchPauseMs: number; lockLifetimeMs: number };
  messageRetentionDays: number;
}

export const GAMES_DEV_TOKEN = DEVELOPMENT_SECRETS.gamesApiToken;

/** Reads and validates the Games configuration once; a bad value names its variable. */
export function loadGamesConfig(env: NodeJS.ProcessEnv): GamesConfig {
  const parsed = parseConfig(gamesEnvSchema, env);
  return {
    ...resolveServiceConfig(parsed, {
      mongoUri: parsed.GAMES_MONGODB_URI,
      port: parsed.GAMES_PORT,
      token: { name: 'GAMES_API_TOKEN', value: parsed.GAMES_API_TOKEN, developmentDefault: GAMES_DEV_TOKEN },
    }),
    cleanup: {
      batchSize: parsed.CLEANUP_BATCH_SIZE,
      batchPauseMs: parsed.CLEANUP_BATCH_PAUSE_MS,
      lockLifetimeMs: parsed.CLEANUP_LOCK_LIFETIME_MS,
    },
    messageRetentionDays: parsed.MESSAGE_RETENTION_DAYS,
  };
}
