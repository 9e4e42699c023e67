import type { Logger } from '../logger.js';
import { ApiKeyRegistry, type ApiKeyPrincipal } from './api-keys.js';
import { createJwtVerifier, looksLikeJwt, type JwtSettings, type JwtVerifier } from './jwt.js';
import type { Principal } from './principal.js';

/** Everything a service knows about who may call it (from its config). */
export interface AuthSettings {
  /** Every role the service knows. */
  roles: readonly string[];
  /** API-key principals: *_API_KEYS, the legacy token as `admin`, and DASH_USER/DASH_PASSWORD. */
  apiKeys: readonly ApiKeyPrincipal[];
  /** The Agendash-only login of DASH_USER/DASH_PASSWORD (every role), if set. */
  dashLogin: ApiKeyPrincipal | undefined;
  /** Unset: no JWTs accepted. */
  jwt: JwtSettings | undefined;
  limits: { authFailuresPerMinute: number; requestsPerMinute: number };
}

/** Turns credentials into a principal; null when they name none. */
export class Authenticator {
  private readonly keys: ApiKeyRegistry;
  private readonly dash: ApiKeyRegistry;
  private readonly jwt: JwtVerifier | undefined;

  constructor(
    settings: AuthSettings,
    private readonly logger: Logger,
  ) {
    this.keys = new ApiKeyRegistry(settings.apiKeys);
    this.dash = new ApiKeyRegistry(settings.dashLogin ? [settings.dashLogin] : []);
    this.jwt = settings.jwt && createJwtVerifier(settings.jwt, settings.roles);
  }

  /** `Authorization: Bearer <API key or JWT>`. */
  async bearer(header: string | undefined): Promise<Principal | null> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) return null;
    const byKey = this.keys.byKey(token);
    if (byKey || !this.jwt || !looksLikeJwt(token)) return byKey;
    const verified = await this.jwt.verify(token);
    if ('refused' in verified) {
      this.logger.info({ reason: verified.reason }, 'bearer JWT refused');
      return null;
    }
    return verified;
  }

  /** `Authorization: Basic` for Agendash: user = principal name, password = one of its API keys (or DASH_USER/DASH_PASSWORD). */
  basic(header: string | undefined): Principal | null {
    const { user, password } = basicCredentials(header);
    if (!user || !password) return null;
    return this.dash.byNameAndKey(user, password, 'dashboard-login') ?? this.keys.byNameAndKey(user, password, 'dashboard-login');
  }
}

/** The user and password of a `Basic` Authorization header; empty strings when absent or malformed. */
function basicCredentials(header: string | undefined): { user: string; password: string } {
  const [scheme, encoded] = (header ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return { user: '', password: '' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}
