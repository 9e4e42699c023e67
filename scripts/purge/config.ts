import { z } from 'zod';
import { baseEnvSchema, optionalString, parseConfig, resolveSecret } from '../../shared/src/config.js';
import { GAMES_DEV_TOKEN } from '../../games/src/config.js';

export const purgeEnvSchema = baseEnvSchema.pick({ NODE_ENV: true }).extend({
  /** Base URL of the Games API (without /graphql). */
  GAMES_URL: z.preprocess((value) => (value === '' ? undefined : value), z.string().url().default('http://localhost:4001')),
  GAMES_API_TOKEN: optionalString,
});

export interface PurgeCliConfig {
  gamesUrl: string;
  apiToken: string;
}

/** The CLI's settings from the environment; in development the token defaults to Games' own default. */
export function loadPurgeCliConfig(env: NodeJS.ProcessEnv): PurgeCliConfig {
  const parsed = parseConfig(purgeEnvSchema, env);
  return {
    gamesUrl: parsed.GAMES_URL,
    apiToken: resolveSecret('GAMES_API_TOKEN', parsed.GAMES_API_TOKEN, parsed.NODE_ENV, GAMES_DEV_TOKEN).value,
  };
}
