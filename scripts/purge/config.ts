import { z } from 'zod';
import { baseEnvSchema, optionalString, parseConfig, resolveSecret } from '../../shared/src/config.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';

export const purgeEnvSchema = baseEnvSchema.pick({ NODE_ENV: true }).extend({
  /** Base URL of the Games API (without /graphql). */
  GAMES_URL: z.preprocess((value) => (value === '' ? undefined : value), z.string().url().default('http://localhost:4001')),
  /** The purge operator's own Games key (a principal holding `purger`). */
  PURGE_API_KEY: optionalString,
  /** Read only when PURGE_API_KEY is unset, so a setup from before principals keeps working. */
  GAMES_API_TOKEN: optionalString,
});

export interface PurgeCliConfig {
  gamesUrl: string;
  apiKey: string;
  /** The variable the key came from, for messages. */
  keyVariable: 'PURGE_API_KEY' | 'GAMES_API_TOKEN';
}

/**
 * The CLI's settings from the environment. The key is the operator's own (PURGE_API_KEY), never
 * RGS's; in development it defaults to the key of Games's development principal `purger`.
 */
export function loadPurgeCliConfig(env: NodeJS.ProcessEnv): PurgeCliConfig {
  const parsed = parseConfig(purgeEnvSchema, env);
  const keyVariable = parsed.PURGE_API_KEY === undefined && parsed.GAMES_API_TOKEN !== undefined ? 'GAMES_API_TOKEN' : 'PURGE_API_KEY';
  const apiKey = resolveSecret(keyVariable, parsed[keyVariable], parsed.NODE_ENV, DEVELOPMENT_SECRETS.gamesPurgerKey).value;
  return { gamesUrl: parsed.GAMES_URL, apiKey, keyVariable };
}
