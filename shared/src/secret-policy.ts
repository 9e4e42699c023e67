import { ConfigError } from './config-error.js';

/**
 * What a secret (API token, Agendash password) must look like. The development defaults are printed
 * in the README and on every demo start, so they are public: production refuses them, and anything
 * short enough to guess.
 */

/** The development defaults of every secret in the repository; production refuses each of them. */
export const DEVELOPMENT_SECRETS = {
  gamesApiToken: 'games-dev-token',
  rgsApiToken: 'rgs-dev-token',
  dashPassword: 'dash-dev-password',
  rgsOperatorKey: 'rgs-operator-dev-key',
  rgsApproverKey: 'rgs-approver-dev-key',
  gamesRgsKey: 'games-rgs-dev-key',
  gamesPurgerKey: 'games-purger-dev-key',
} as const;

/** Shortest secret production accepts, in characters (16 random characters ≈ 95 bits from base64). */
export const MIN_PRODUCTION_SECRET_LENGTH = 16;

const publicDefaults = new Set<string>(Object.values(DEVELOPMENT_SECRETS));

/** The development defaults themselves, for checks that compare digests rather than plain values. */
export function developmentSecrets(): readonly string[] {
  return [...publicDefaults];
}

/**
 * Why `value` cannot be used as a secret, or null when it can. Blank (whitespace only) is refused
 * in every mode; a development default or anything shorter than MIN_PRODUCTION_SECRET_LENGTH only
 * in production.
 */
export function secretProblem(value: string, production: boolean): string | null {
  if (value.trim() === '') return 'must not be blank';
  if (!production) return null;
  if (publicDefaults.has(value.trim())) return 'is a public development default; set a secret of your own when NODE_ENV=production';
  if (value.length < MIN_PRODUCTION_SECRET_LENGTH) return `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production`;
  return null;
}

/** A secret that has a printed development default but must be set explicitly in production. */
export interface Secret {
  value: string;
  /** True when the value is the development default, so start-up can print it. */
  isDefault: boolean;
}

export function resolveSecret(name: string, value: string | undefined, nodeEnv: 'development' | 'production' | 'test', developmentDefault: string): Secret {
  if (value !== undefined) {
    const problem = secretProblem(value, nodeEnv === 'production');
    if (problem) throw new ConfigError([`${name}: ${problem}`]);
    return { value, isDefault: false };
  }
  if (nodeEnv === 'production') throw new ConfigError([`${name}: required when NODE_ENV=production`]);
  return { value: developmentDefault, isDefault: true };
}
