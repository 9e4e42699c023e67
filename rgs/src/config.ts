import { z } from 'zod';
import {
  baseEnvSchema,
  mongoUri,
  optionalFlag,
  optionalString,
  nonNegativeInt,
  parseConfig,
  port,
  positiveInt,
  resolveSecret,
  resolveServiceConfig,
  type Secret,
  type ServiceConfig,
} from '../../shared/src/config.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';
import { RGS_DEVELOPMENT_PRINCIPALS, RGS_ROLES } from './access.js';

const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

/** True for a zone name the runtime's time zone database knows (IANA names such as Europe/Malta). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The blast-radius limit when CLEANUP_MAX_SHARE is unset. */
export const DEFAULT_MAX_SHARE = 0.75;

export const rgsEnvSchema = baseEnvSchema.extend({
  RGS_MONGODB_URI: mongoUri,
  RGS_PORT: port(4000),
  RGS_API_TOKEN: optionalString,
  /** RGS's principals: a JSON array of {"name", "roles", "key" | "keys", "perMinute"?}. */
  RGS_API_KEYS: optionalString,
  /** Whether the principal that started a run may approve it; unset: true in development, false in production. */
  ALLOW_SELF_APPROVAL: optionalFlag,
  GAMES_URL: z.preprocess(emptyAsUnset, z.string().url().default('http://localhost:4001')),
  GAMES_API_TOKEN: optionalString,
  /** A cron expression for the kickoff; unset means runs start only through `startCleanup`. */
  CLEANUP_CRON: optionalString,
  CLEANUP_TIME_ZONE: z.preprocess(
    emptyAsUnset,
    z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. UTC or Europe/Malta').default('UTC'),
  ),
  TRAFFIC_LOOKBACK_DAYS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).optional()),
  CLEANUP_MAX_SHARE: z.preprocess(
    emptyAsUnset,
    z.coerce.number().gt(0, 'must be more than 0').max(1, 'must be at most 1 (a share of the active tables)').default(DEFAULT_MAX_SHARE),
  ),
  CLEANUP_CHAIN_MAX_RETRIES: nonNegativeInt(8),
  CLEANUP_CHAIN_LINK_MS: nonNegativeInt(60_000),
  DISPATCH_MAX_ATTEMPTS: positiveInt(12),
  DISPATCH_BACKOFF_MS: positiveInt(2_000),
  DISPATCH_BACKOFF_MAX_MS: positiveInt(5 * 60_000),
  DISPATCH_INTERVAL_MS: positiveInt(15_000),
  DISPATCH_TIMEOUT_MS: positiveInt(30_000),
});

/** How the outbox talks to Games and how hard it tries. */
export interface DispatchSettings {
  /** Attempts per dispatch before it is marked FAILED (default 12). */
  maxAttempts: number;
  /** Delay before the first retry, in milliseconds; doubled on each further failure (default 2 000). */
  backoffMs: number;
  /** Upper bound of the retry delay, in milliseconds (default 300 000, five minutes). */
  backoffMaxMs: number;
  /** How often the dispatcher looks for due dispatches besides being triggered (default 15 000 ms). */
  intervalMs: number;
  /** How long one call to Games may take, in milliseconds; also the claim on an in-flight dispatch (default 30 000). */
  timeoutMs: number;
}

/** RGS settings; `mongoUri` unset means an embedded replica set with database `rgs`. */
export interface RgsConfig extends ServiceConfig {
  games: { url: string; apiToken: Secret };
  cleanup: {
    /** Unset: no scheduled kickoff. */
    cron: string | undefined;
    /** The zone of "today at 11:11:11" and of the cron (default UTC). */
    timeZone: string;
    /** Traffic counts only within this many days back; unset: any traffic ever. */
    trafficLookbackDays: number | undefined;
    /**
     * The blast-radius limit: a run whose plan removes (deletes + archives) more than this share of
     * an environment's active tables waits for `approveCleanupRun`. A fraction, 0 < x ≤ 1 (default 0.75).
     */
    maxShare: number;
    /**
     * How often a chain link that failed on infrastructure (MongoDB unreachable) is retried, with
     * exponential backoff from 5 s up to 5 min, before its environment is given up: recorded as a
     * failure on the run, so the run can end and free the one active-run slot (default 8, ~20 min).
     */
    chainMaxRetries: number;
    /** How long one chain link goes on to the next server itself before queueing the next link (default 60 000 ms; 0: one link per server). */
    chainLinkMs: number;
    /** Two-person approval is off: the principal that started a run may approve it (ALLOW_SELF_APPROVAL). */
    allowSelfApproval: boolean;
  };
  dispatch: DispatchSettings;
}

export const RGS_DEV_TOKEN = DEVELOPMENT_SECRETS.rgsApiToken;

/** Reads and validates the RGS configuration once; a bad value names its variable. */
export function loadRgsConfig(env: NodeJS.ProcessEnv): RgsConfig {
  const parsed = parseConfig(rgsEnvSchema, env);
  return {
    ...resolveServiceConfig(parsed, {
      mongoUri: parsed.RGS_MONGODB_URI,
      port: parsed.RGS_PORT,
      credentials: {
        roles: RGS_ROLES,
        keys: { variable: 'RGS_API_KEYS', value: parsed.RGS_API_KEYS, development: RGS_DEVELOPMENT_PRINCIPALS },
        token: { variable: 'RGS_API_TOKEN', value: parsed.RGS_API_TOKEN, developmentDefault: RGS_DEV_TOKEN },
      },
    }),
    games: {
      url: parsed.GAMES_URL,
      // In development, the key of Games's development principal `rgs` (cleanup + viewer): least privilege from the start.
      apiToken: resolveSecret('GAMES_API_TOKEN', parsed.GAMES_API_TOKEN, parsed.NODE_ENV, DEVELOPMENT_SECRETS.gamesRgsKey),
    },
    cleanup: {
      cron: parsed.CLEANUP_CRON,
      timeZone: parsed.CLEANUP_TIME_ZONE,
      trafficLookbackDays: parsed.TRAFFIC_LOOKBACK_DAYS,
      maxShare: parsed.CLEANUP_MAX_SHARE,
      chainMaxRetries: parsed.CLEANUP_CHAIN_MAX_RETRIES,
      chainLinkMs: parsed.CLEANUP_CHAIN_LINK_MS,
      allowSelfApproval: parsed.ALLOW_SELF_APPROVAL ?? parsed.NODE_ENV !== 'production',
    },
    dispatch: {
      maxAttempts: parsed.DISPATCH_MAX_ATTEMPTS,
      backoffMs: parsed.DISPATCH_BACKOFF_MS,
      backoffMaxMs: parsed.DISPATCH_BACKOFF_MAX_MS,
      intervalMs: parsed.DISPATCH_INTERVAL_MS,
      timeoutMs: parsed.DISPATCH_TIMEOUT_MS,
    },
  };
}
