import { z } from 'zod';
import {
  ConfigError,
  baseEnvSchema,
  emptyAsUnset,
  mongoUri,
  nonNegativeInt,
  optionalString,
  parseConfig,
  port,
  positiveInt,
  resolveServiceConfig,
  type ServiceConfig,
} from '../../shared/src/config.js';
import { MAX_IDS_PER_REQUEST } from './domain/cleanup-action.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';
import { GAMES_DEVELOPMENT_PRINCIPALS, GAMES_ROLES } from './access.js';

export const gamesEnvSchema = baseEnvSchema.extend({
  GAMES_MONGODB_URI: mongoUri,
  GAMES_PORT: port(4001),
  GAMES_API_TOKEN: optionalString,
  /** Games's principals: a JSON array of {"name", "roles", "key" | "keys", "perMinute"?}. */
  GAMES_API_KEYS: optionalString,
  CLEANUP_BATCH_SIZE: positiveInt(100),
  CLEANUP_BATCH_PAUSE_MS: nonNegativeInt(500),
  /** The worker's lock lifetime; unset: JOB_LOCK_LIFETIME_MS. Renewed on a timer while it works. */
  CLEANUP_LOCK_LIFETIME_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).optional()),
  MESSAGE_RETENTION_DAYS: positiveInt(30),
});

/** Games settings; `mongoUri` unset means an embedded replica set with database `games`. */
export interface GamesConfig extends ServiceConfig {
  cleanup: { batchSize: number; batchPauseMs: number; lockLifetimeMs: number };
  messageRetentionDays: number;
}

export const GAMES_DEV_TOKEN = DEVELOPMENT_SECRETS.gamesApiToken;

/**
 * The most an operation may spend pausing between batches, in milliseconds: a third of MongoDB's
 * default transaction lifetime (transactionLifetimeLimitSeconds = 60), which aborts a transaction
 * held open longer, leaving the rest for the writes themselves on a loaded primary.
 */
export const MAX_TRANSACTION_PAUSE_MS = 20_000;

/**
 * Refuses batch settings whose pauses alone would keep one operation's transaction (up to
 * MAX_IDS_PER_REQUEST ids) open near MongoDB's transaction lifetime: such an operation is aborted
 * by the server every time and never finishes.
 */
export function checkTransactionPauses(batchSize: number, batchPauseMs: number): void {
  const pauses = Math.ceil(MAX_IDS_PER_REQUEST / batchSize) - 1;
  const pausedMs = pauses * batchPauseMs;
  if (pausedMs > MAX_TRANSACTION_PAUSE_MS) {
    throw new ConfigError([
      `CLEANUP_BATCH_SIZE=${batchSize} with CLEANUP_BATCH_PAUSE_MS=${batchPauseMs}: a ${MAX_IDS_PER_REQUEST}-id operation would pause ${pausedMs} ms inside its transaction (at most ${MAX_TRANSACTION_PAUSE_MS} ms; MongoDB aborts transactions after 60 s). Raise the batch size or shorten the pause.`,
    ]);
  }
}

/** Reads and validates the Games configuration once; a bad value names its variable. */
export function loadGamesConfig(env: NodeJS.ProcessEnv): GamesConfig {
  const parsed = parseConfig(gamesEnvSchema, env);
  checkTransactionPauses(parsed.CLEANUP_BATCH_SIZE, parsed.CLEANUP_BATCH_PAUSE_MS);
  return {
    ...resolveServiceConfig(parsed, {
      mongoUri: parsed.GAMES_MONGODB_URI,
      port: parsed.GAMES_PORT,
      credentials: {
        roles: GAMES_ROLES,
        keys: { variable: 'GAMES_API_KEYS', value: parsed.GAMES_API_KEYS, development: GAMES_DEVELOPMENT_PRINCIPALS },
        token: { variable: 'GAMES_API_TOKEN', value: parsed.GAMES_API_TOKEN, developmentDefault: GAMES_DEV_TOKEN },
      },
    }),
    cleanup: {
      batchSize: parsed.CLEANUP_BATCH_SIZE,
      batchPauseMs: parsed.CLEANUP_BATCH_PAUSE_MS,
      lockLifetimeMs: parsed.CLEANUP_LOCK_LIFETIME_MS ?? parsed.JOB_LOCK_LIFETIME_MS,
    },
    messageRetentionDays: parsed.MESSAGE_RETENTION_DAYS,
  };
}
