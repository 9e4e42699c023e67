import { z } from 'zod';

/**
 * Configuration is read from the environment once, at start-up, by `parseConfig`. Each service
 * composes its own schema from the pieces below; nothing else in the code base reads `process.env`.
 */

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** An empty variable counts as unset, so `FOO=` in a .env file falls back to the default. */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

export const optionalString = z.preprocess(emptyAsUnset, z.string().optional());

export const port = (fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65535).default(fallback));

export const nonNegativeInt = (fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).default(fallback));

export const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).default(fallback));

export const mongoUri = z.preprocess(
  emptyAsUnset,
  z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/, 'must be a mongodb:// URI that names the database, e.g. mongodb://localhost:27017/games?replicaSet=rs0')
    .optional(),
);

export const baseEnvSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUnset, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    emptyAsUnset,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DASH_USER: optionalString,
  DASH_PASSWORD: optionalString,
  /** Where the embedded mongod keeps its data when no URI is configured. */
  DATA_DIR: optionalString,
  /** A mongod binary to use for the embedded server (also honoured by mongodb-memory-server). */
  MONGOMS_SYSTEM_BINARY: optionalString,
  /** Port of the embedded server when it keeps data in DATA_DIR (a replica set must keep its address). */
  EMBEDDED_MONGO_PORT: port(27117),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Parses `env` with `schema`; a bad value throws a ConfigError naming each offending variable. */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
}

/** A secret that has a printed development default but must be set explicitly in production. */
export interface Secret {
  value: string;
  /** True when the value is the development default, so start-up can print it. */
  isDefault: boolean;
}

export function resolveSecret(
  name: string,
  value: string | undefined,
  nodeEnv: BaseEnv['NODE_ENV'],
  developmentDefault: string,
): Secret {
  if (value) return { value, isDefault: false };
  if (nodeEnv === 'production') throw new ConfigError([`${name}: required when NODE_ENV=production`]);
  return { value: developmentDefault, isDefault: true };
}

/** Credentials for the Agendash UI at /dash. */
export interface DashCredentials {
  user: string;
  password: Secret;
}

export function resolveDashCredentials(env: BaseEnv): DashCredentials {
  return {
    user: env.DASH_USER ?? 'admin',
    password: resolveSecret('DASH_PASSWORD', env.DASH_PASSWORD, env.NODE_ENV, 'dash-dev-password'),
  };
}
