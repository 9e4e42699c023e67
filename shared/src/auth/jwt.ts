import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Principal } from './principal.js';

/** How to verify an identity provider's tokens (AUTH_* variables). */
export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The claim holding the roles: an array of strings, or one space-separated string (default `roles`). */
  rolesClaim: string;
  /** The claim naming the principal (default `sub`). */
  nameClaim: string;
}

/**
 * Asymmetric algorithms only: with a symmetric one (HS256) a token signed with the provider's
 * *public* key would verify, and `none` is no signature at all.
 */
export const ACCEPTED_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Tolerated clock difference with the identity provider, for `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 5;

/** Why a token was refused, for the log (the caller only learns that it was). */
export type JwtRefusal = { refused: true; reason: string };

/**
 * The identity provider's key set cannot be fetched (refused, timed out): the token may well be
 * valid, so the caller is told to retry (503), not that its credential is wrong.
 */
export class IdentityProviderUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`the identity provider's keys cannot be fetched: ${reason}`);
    this.name = 'IdentityProviderUnavailableError';
  }
}

/** Verifies bearer JWTs against the provider's JWKS and maps them to principals. */
export interface JwtVerifier {
  verify(token: string): Promise<Principal | JwtRefusal>;
}

/**
 * The JWKS is fetched on first use and cached; a token signed with a key id the cache does not know
 * refetches it (at most every 30 s), so a provider's rotated keys are picked up without a restart.
 */
export function createJwtVerifier(settings: JwtSettings, knownRoles: readonly string[]): JwtVerifier {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: ACCEPTED_JWT_ALGORITHMS,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_S,
        });
        return principalOf(payload, settings, knownRoles);
      } catch (err) {
        if (err instanceof errors.JWKSTimeout) throw new IdentityProviderUnavailableError(err.message);
        if (err instanceof errors.JOSEError) return { refused: true, reason: `${err.code}: ${err.message}` };
        // fetch's own failure (connection refused, DNS): not the token's fault.
        const cause = (err as { cause?: { message?: string } }).cause?.message;
        throw new IdentityProviderUnavailableError(`${err instanceof Error ? err.message : String(err)}${cause ? ` (${cause})` : ''}`);
      }
    },
  };
}

function principalOf(payload: JWTPayload, settings: JwtSettings, knownRoles: readonly string[]): Principal | JwtRefusal {
  const name = payload[settings.nameClaim];
  if (typeof name !== 'string' || name.trim() === '') return { refused: true, reason: `claim "${settings.nameClaim}" is missing` };
  const claimed = payload[settings.rolesClaim];
  const roles = Array.isArray(claimed) ? claimed.filter((r): r is string => typeof r === 'string') : typeof claimed === 'string' ? claimed.split(/\s+/) : [];
  // A provider's token may carry roles for other systems too: only this service's count.
  return { name, roles: new Set(roles.filter((role) => knownRoles.includes(role))), via: 'jwt' };
}

/** True for the compact form of a JWS (three base64url parts), which API keys are not. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}
