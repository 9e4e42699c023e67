import { ConfigError } from '../config-error.js';
import { DEVELOPMENT_SECRETS, resolveSecret, type Secret } from '../secret-policy.js';
import { ApiKeysError, assertDistinct, parseApiKeys, sha256, type ApiKeyPrincipal } from './api-keys.js';
import type { AuthSettings } from './authenticator.js';
import type { JwtSettings } from './jwt.js';
import { ADMIN_PRINCIPAL, SCHEDULE_PRINCIPAL } from './principal.js';

/** The parsed variables `resolveAuth` reads (a part of the shared config schema). */
export interface AuthEnv {
  NODE_ENV: 'development' | 'production' | 'test';
  DASH_USER?: string | undefined;
  DASH_PASSWORD?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_ISSUER?: string | undefined;
  AUTH_AUDIENCE?: string | undefined;
  AUTH_ROLES_CLAIM: string;
  AUTH_NAME_CLAIM: string;
  AUTH_FAILURES_PER_MINUTE: number;
  REQUESTS_PER_MINUTE: number;
}

/** A principal the service creates in development when its *_API_KEYS is unset; its key is public. */
export interface DevelopmentPrincipal {
  name: string;
  roles: readonly string[];
  key: string;
}

/** What a service tells `resolveAuth` about its own credentials. */
export interface ServiceCredentials {
  roles: readonly string[];
  /** RGS_API_KEYS / GAMES_API_KEYS and the principals development gets without it. */
  keys: { variable: string; value: string | undefined; development: readonly DevelopmentPrincipal[] };
  /** RGS_API_TOKEN / GAMES_API_TOKEN: the legacy single token, now the principal `admin` with every role. */
  token: { variable: string; value: string | undefined; developmentDefault: string };
}

/** Credentials for the Agendash UI at /dash: DASH_USER/DASH_PASSWORD, one admin login. */
export interface DashCredentials {
  user: string;
  password: Secret;
}

export interface ResolvedAuth {
  auth: AuthSettings;
  /** The legacy token's secret (GraphiQL pre-fills it in development); undefined when unset in production. */
  apiToken: Secret | undefined;
  /** The DASH_USER/DASH_PASSWORD login; undefined in production unless DASH_PASSWORD is set. */
  dash: DashCredentials | undefined;
  /** The principals made for development (printed by the banner); empty when *_API_KEYS is set. */
  developmentPrincipals: readonly DevelopmentPrincipal[];
}

/**
 * Who may call a service: its API-key principals, the legacy token as `admin`, the Agendash login,
 * and the identity provider's JWTs. Production requires at least one way in, and refuses public
 * defaults; every problem is one line naming its variable or entry.
 */
export function resolveAuth(env: AuthEnv, own: ServiceCredentials): ResolvedAuth {
  const production = env.NODE_ENV === 'production';
  const jwt = resolveJwt(env, production);
  // Production has no default token: unset there, there is no `admin` (keys or JWTs instead).
  const apiToken = own.token.value !== undefined || !production ? resolveSecret(own.token.variable, own.token.value, env.NODE_ENV, own.token.developmentDefault) : undefined;
  const developmentPrincipals = own.keys.value === undefined && !production ? own.keys.development : [];
  const admin: ApiKeyPrincipal[] = apiToken ? [{ name: ADMIN_PRINCIPAL, roles: own.roles, keyDigests: [sha256(apiToken.value)] }] : [];
  const apiKeys = apiKeyPrincipals(own, production, developmentPrincipals, admin);
  if (production && apiKeys.length === 0 && !jwt) {
    throw new ConfigError([`${own.keys.variable}: required when NODE_ENV=production (or ${own.token.variable} for one admin principal, or AUTH_JWKS_URL)`]);
  }
  const dash = resolveDash(env, production);
  return {
    auth: {
      roles: own.roles,
      apiKeys,
      dashLogin: dash && { name: dash.user, roles: own.roles, keyDigests: [sha256(dash.password.value)] },
      jwt,
      limits: { authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE, requestsPerMinute: env.REQUESTS_PER_MINUTE },
    },
    apiToken,
    dash,
    developmentPrincipals,
  };
}

/** The `admin` of the legacy token and the principals of *_API_KEYS (or development's), each name and key once. */
function apiKeyPrincipals(own: ServiceCredentials, production: boolean, development: readonly DevelopmentPrincipal[], admin: ApiKeyPrincipal[]): ApiKeyPrincipal[] {
  const variable = own.keys.variable;
  try {
    const keyed = parseApiKeys(own.keys.value ?? JSON.stringify(development), { variable, roles: own.roles, production });
    if (keyed.some((p) => p.name === SCHEDULE_PRINCIPAL)) {
      throw new ConfigError([`${variable}: the name "${SCHEDULE_PRINCIPAL}" is reserved: runs the cron starts are recorded as started by it`]);
    }
    if (admin.length && keyed.some((p) => p.name === ADMIN_PRINCIPAL)) {
      throw new ConfigError([`${variable}: the name "${ADMIN_PRINCIPAL}" belongs to ${own.token.variable}; name the entry otherwise`]);
    }
    const principals = [...admin, ...keyed];
    assertDistinct(principals, variable);
    return principals;
  } catch (err) {
    throw err instanceof ApiKeysError ? new ConfigError([err.message]) : err;
  }
}

function resolveDash(env: AuthEnv, production: boolean): DashCredentials | undefined {
  if (production && env.DASH_PASSWORD === undefined) return undefined;
  return {
    user: env.DASH_USER ?? ADMIN_PRINCIPAL,
    password: resolveSecret('DASH_PASSWORD', env.DASH_PASSWORD, env.NODE_ENV, DEVELOPMENT_SECRETS.dashPassword),
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function resolveJwt(env: AuthEnv, production: boolean): JwtSettings | undefined {
  const { AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = env;
  if (jwksUrl === undefined && issuer === undefined && audience === undefined) return undefined;
  const missing = Object.entries({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience }).filter(([, v]) => v === undefined);
  if (missing.length) throw new ConfigError([`${missing.map(([k]) => k).join(', ')}: required with the other AUTH_* settings (JWT needs the JWKS URL, the issuer and the audience)`]);
  const url = new URL(jwksUrl!);
  if (production && url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) {
    throw new ConfigError(['AUTH_JWKS_URL: must be https:// when NODE_ENV=production (keys fetched in the clear can be replaced)']);
  }
  return { jwksUrl: jwksUrl!, issuer: issuer!, audience: audience!, rolesClaim: env.AUTH_ROLES_CLAIM, nameClaim: env.AUTH_NAME_CLAIM };
}
