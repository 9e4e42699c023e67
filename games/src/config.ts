import { type z } from 'zod';
import {
  baseEnvSchema,
  mongoUri,
  nonNegativeInt,
  optionalString,
  parseConfig,
  port,
  positiveInt,
  resolveDashCredentials,
  resolveSecret,
  type DashCredentials,
  type Secret,
} from '../../shared/src/config.js';

const gamesEnvSchema = baseEnvSchema.extend({
  GAMES_MONGODB_URI: mongoUri,
  GAMES_PORT: port(4001),
  GAMES_API_TOKEN: optionalString,
  CLEANUP_BATCH_SIZE: positiveInt(100),
  CLEANUP_BATCH_PAUSE_MS: nonNegativeInt(500),
  /** How long the worker's lock lasts without a touch; it touches after every batch. */
  CLEANUP_LOCK_LIFETIME_MS: positiveInt(10 * 60_000),
  MESSAGE_RETENTION_DAYS: positiveInt(30),
  /** How often Agenda polls for due jobs. */
  AGENDA_PROCESS_EVERY_MS: positiveInt(2_000),
});

export interface GamesConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: z.infer<typeof gamesEnvSchema>['LOG_LEVEL'];
  /** Unset: an embedded single-node replica set with database `games`. */
  mongoUri: string | undefined;
  port: number;
  apiToken: Secret;
  dash: DashCredentials;
  cleanup: { batchSize: number; batchPauseMs: number; lockLifetimeMs: number };
  messageRetentionDays: number;
  agendaProcessEveryMs: number;
  embedded: { binary: string | undefined; dataDir: string | undefined; port: number };
}

export const GAMES_DEV_TOKEN = 'games-dev-token';

/** Reads and validates the Games configuration once; a bad value names its variable. */
export function loadGamesConfig(env: NodeJS.ProcessEnv): GamesConfig {
  const parsed = parseConfig(gamesEnvSchema, env);
  return {
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    mongoUri: parsed.GAMES_MONGODB_URI,
    port: parsed.GAMES_PORT,
    apiToken: resolveSecret('GAMES_API_TOKEN', parsed.GAMES_API_TOKEN, parsed.NODE_ENV, GAMES_DEV_TOKEN),
    dash: resolveDashCredentials(parsed),
    cleanup: {
      batchSize: parsed.CLEANUP_BATCH_SIZE,
      batchPauseMs: parsed.CLEANUP_BATCH_PAUSE_MS,
      lockLifetimeMs: parsed.CLEANUP_LOCK_LIFETIME_MS,
    },
    messageRetentionDays: parsed.MESSAGE_RETENTION_DAYS,
    agendaProcessEveryMs: parsed.AGENDA_PROCESS_EVERY_MS,
    embedded: { binary: parsed.MONGOMS_SYSTEM_BINARY, dataDir: parsed.DATA_DIR, port: parsed.EMBEDDED_MONGO_PORT },
  };
}
