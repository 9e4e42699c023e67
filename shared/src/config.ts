import { z } from 'zod';
import { resolveAuth, type DashCredentials, type DevelopmentPrincipal, type ServiceCredentials } from './auth/auth-config.js';
import type { AuthSettings } from './auth/authenticator.js';
import { ConfigError } from './config-error.js';
import type { Secret } from './secret-policy.js';

export { ConfigError };
export { resolveSecret, type Secret } from './secret-policy.js';

/**
 * Configuration is read from the environment once, at start-up, by `parseConfig`. Each service
 * composes its own schema from the pieces below; nothing else in the code base reads `process.env`.
 */

/** An empty variable counts as unset, so `FOO=` in a .env file falls back to the default. */
export const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

export const optionalString = z.preprocess(emptyAsUnset, z.string().optional());

export const port = (fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65535).default(fallback));

export const nonNegativeInt = (fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).default(fallback));

export const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).default(fallback));

/** `true` or `false`; unset leaves the decision to the caller (e.g. a default that depends on NODE_ENV). */
export const optionalFlag = z.preprocess(emptyAsUnset, z.enum(['true', 'false']).transform((v) => v === 'true').optional());

export const mongoUri = z.preprocess(
  emptyAsUnset,
  z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/, 'must be a mongodb:// URI that names the database, e.g. mongodb://localhost:27017/games?replicaSet=rs0')
    .optional(),
);

/** How long shutdown lets running jobs finish before handing them over, when SHUTDOWN_DRAIN_MS is unset. */
export const DEFAULT_SHUTDOWN_DRAIN_MS = 8_000;

export const baseEnvSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUnset, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    emptyAsUnset,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** The Agendash login of one admin principal (every role); unset in production: only API-key principals log in. */
  DASH_USER: optionalString,
  DASH_PASSWORD: optionalString,
  /** JWT (OIDC): the identity provider's JWKS, and the issuer and audience its tokens must carry. All three or none. */
  AUTH_JWKS_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  /** The JWT claim holding the principal's roles (an array, or a space-separated string). */
  AUTH_ROLES_CLAIM: z.preprocess(emptyAsUnset, z.string().default('roles')),
  /** The JWT claim naming the principal. */
  AUTH_NAME_CLAIM: z.preprocess(emptyAsUnset, z.string().default('sub')),
  /** Failed authentications a client address may make per minute before it is refused for the rest of it. */
  AUTH_FAILURES_PER_MINUTE: positiveInt(30),
  /** Requests a principal may make per minute (a key entry's `perMinute` overrides it), shared by every process. */
  REQUESTS_PER_MINUTE: positiveInt(6_000),
  /** Unset: GET /metrics is open; set: a scraper sends `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalString,
  /** Where the embedded mongod keeps its data when no URI is configured. */
  DATA_DIR: optionalString,
  /** A mongod binary to use for the embedded server (also honoured by mongodb-memory-server). */
  MONGOMS_SYSTEM_BINARY: optionalString,
  /** Port of the embedded server when it keeps data in DATA_DIR (a replica set must keep its address). */
  EMBEDDED_MONGO_PORT: port(27117),
  /** Where a `mongod` on the PATH is looked for. */
  PATH: optionalString,
  /** How often Agenda polls for due jobs. */
  AGENDA_PROCESS_EVERY_MS: positiveInt(2_000),
  /** `false`: this process serves its API, Agendash and /metrics but runs no jobs (an API process beside worker processes). */
  RUN_JOBS: optionalFlag,
  /**
   * Lock lifetime of a service's jobs: how long a crashed process's job waits for another worker.
   * Running jobs renew it on a timer (a third of it), so it need not cover the longest job.
   */
  JOB_LOCK_LIFETIME_MS: positiveInt(30_000),
  /** How long Agendash keeps showing finished one-off jobs, in hours; 0: a job that succeeds is removed at once. */
  JOB_HISTORY_HOURS: nonNegativeInt(24),
  /** At most this many finished jobs of one name are kept (the newest), however many finished within JOB_HISTORY_HOURS. */
  JOB_HISTORY_MAX: positiveInt(1_000),
  /**
   * At shutdown, how long running jobs may finish before they are handed over to another worker.
   * At most 10 s, so the process exits within 15 s of SIGTERM.
   */
  SHUTDOWN_DRAIN_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(10_000).default(DEFAULT_SHUTDOWN_DRAIN_MS)),
  /** The address the HTTP server binds to; unset: every interface (Node's default). */
  HOST: optionalString,
  /**
   * Express's `trust proxy` behind a TLS-terminating proxy: `true`, a hop count, or addresses/subnets
   * (comma-separated). Then the request's protocol and host come from X-Forwarded-*, so Agendash's
   * same-origin check accepts the browser's `https://` Origin. Unset: no proxy is trusted.
   */
  TRUST_PROXY: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .trim()
      .min(1)
      .transform((value): boolean | number | string => (value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value))
      .optional(),
  ),
  /** Serve GraphiQL on GET /graphql; default on, off when NODE_ENV=production. */
  GRAPHIQL_ENABLED: optionalFlag,
  /** Answer introspection and suggest field names in errors; default on, off when NODE_ENV=production. */
  INTROSPECTION_ENABLED: optionalFlag,
  /**
   * Start even when agenda, @agendajs/mongo-backend, agendash or mongoose is not the version the
   * adapters were tested with (a warning instead of the refusal), to try an upgrade. Default false.
   */
  ALLOW_UNTESTED_DEPENDENCIES: optionalFlag,
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Parses `env` with `schema`; a bad value throws a ConfigError naming each offending variable. */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
}

/** How to run the embedded MongoDB when a service has no URI. */
export interface EmbeddedSettings {
  binary: string | undefined;
  /** The PATH searched for a `mongod`. */
  searchPath: string | undefined;
  dataDir: string | undefined;
  port: number;
}

/** The settings every service has, whatever its domain. */
export interface ServiceConfig {
  nodeEnv: BaseEnv['NODE_ENV'];
  logLevel: BaseEnv['LOG_LEVEL'];
  /** Unset: an embedded single-node replica set. */
  mongoUri: string | undefined;
  port: number;
  /** The address to bind; undefined: every interface. */
  host: string | undefined;
  /** Express's `trust proxy` (TRUST_PROXY); undefined: none. */
  trustProxy: boolean | number | string | undefined;
  /** What a production deployment exposes besides the API; both default to off in production. */
  exposure: { graphiql: boolean; introspection: boolean };
  /** Who may call the service: API-key principals, JWTs, the Agendash login, and the rate limits. */
  auth: AuthSettings;
  /** The legacy single token (the principal `admin`); undefined when unset in production. */
  apiToken: Secret | undefined;
  /** The DASH_USER/DASH_PASSWORD login of Agendash; undefined when DASH_PASSWORD is unset in production. */
  dash: DashCredentials | undefined;
  /** The principals made for development, with their public keys (the banner lists them). */
  developmentPrincipals: readonly DevelopmentPrincipal[];
  /** The bearer token `GET /metrics` requires; undefined: /metrics is open. */
  metricsToken: string | undefined;
  agendaProcessEveryMs: number;
  /**
   * Whether this process runs the service's Agenda jobs (RUN_JOBS, default true). An API-only
   * process still queues jobs; worker processes of the same service run them.
   */
  runJobs: boolean;
  /** Default lock lifetime of the service's Agenda jobs, in milliseconds. */
  jobLockLifetimeMs: number;
  /** What Agendash keeps of finished jobs (JOB_HISTORY_HOURS, JOB_HISTORY_MAX). */
  jobHistory: { hours: number; maxPerName: number };
  /** How long shutdown lets running jobs finish before handing them over, in milliseconds. */
  shutdownDrainMs: number;
  embedded: EmbeddedSettings;
}

/** Builds the common part of a service's config from the parsed environment and its own variables. */
export function resolveServiceConfig(
  env: BaseEnv,
  own: { mongoUri: string | undefined; port: number; credentials: ServiceCredentials },
): ServiceConfig {
  return {
    ...resolveAuth(env, own.credentials),
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    mongoUri: own.mongoUri,
    port: own.port,
    host: env.HOST,
    trustProxy: env.TRUST_PROXY,
    exposure: {
      graphiql: env.GRAPHIQL_ENABLED ?? env.NODE_ENV !== 'production',
      introspection: env.INTROSPECTION_ENABLED ?? env.NODE_ENV !== 'production',
    },
    metricsToken: env.METRICS_TOKEN,
    agendaProcessEveryMs: env.AGENDA_PROCESS_EVERY_MS,
    runJobs: env.RUN_JOBS ?? true,
    jobLockLifetimeMs: env.JOB_LOCK_LIFETIME_MS,
    jobHistory: { hours: env.JOB_HISTORY_HOURS, maxPerName: env.JOB_HISTORY_MAX },
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    embedded: { binary: env.MONGOMS_SYSTEM_BINARY, searchPath: env.PATH, dataDir: env.DATA_DIR, port: env.EMBEDDED_MONGO_PORT },
  };
}
