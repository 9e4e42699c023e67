import type { Request, RequestHandler, Response } from 'express';
import type { Authenticator } from '../auth/authenticator.js';
import { IdentityProviderUnavailableError } from '../auth/jwt.js';
import { holds, JOBS_ADMIN_ROLE, VIEWER_ROLE, type Principal } from '../auth/principal.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { Logger } from '../logger.js';
import type { CountRefusal, RefusalSurface } from '../metrics/auth-metrics.js';
import { sendHttpError } from './http-errors.js';

/** The principal authentication put on the response's locals, for the handlers after it. */
export function principalOf(res: Response): Principal {
  const principal = (res.locals as { principal?: Principal }).principal;
  if (!principal) throw new Error('no principal: the route is not behind authentication');
  return principal;
}

/** How long a client waits before retrying when the identity provider is unreachable, in seconds. */
const IDP_RETRY_AFTER_S = 5;

function tooManyRequests(res: Response, waitMs: number, message: string): void {
  const seconds = Math.ceil(waitMs / 1000);
  res.set('Retry-After', String(seconds));
  sendHttpError(res, 429, 'RATE_LIMITED', `${message}; retry after ${seconds} s`);
}

/** The client address the failure counts go by: the socket's, or the proxy's X-Forwarded-For under TRUST_PROXY. */
const clientOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

interface Gate {
  authenticator: Authenticator;
  limits: RateLimits;
  logger: Logger;
  countRefusal: CountRefusal;
}

/**
 * Who is asking, before anything else runs: refuses an address over its failed-authentication
 * budget (429, even with a good credential: no oracle for a brute force), then a missing or wrong
 * credential (401), then a principal over its request budget (429, with Retry-After). The
 * principal goes to `res.locals` for the handlers after it.
 */
async function admit(
  gate: Gate,
  surface: RefusalSurface,
  req: Request,
  res: Response,
  identify: () => Promise<Principal | null>,
  refuse: () => void,
): Promise<Principal | null> {
  const client = clientOf(req);
  const [blockedMs, identified] = await Promise.all([gate.limits.failureBlock(client), identify().catch((err: unknown) => err)]);
  if (identified instanceof IdentityProviderUnavailableError) {
    gate.logger.error({ reason: identified.reason }, 'identity provider unreachable: JWTs cannot be verified');
    gate.countRefusal('identity_provider_unavailable', surface);
    res.set('Retry-After', String(IDP_RETRY_AFTER_S));
    sendHttpError(res, 503, 'SERVICE_UNAVAILABLE', 'The identity provider cannot be reached to verify the token; retry shortly');
    return null;
  }
  if (identified instanceof Error) throw identified;
  const principal = identified as Principal | null;
  if (blockedMs > 0) {
    gate.countRefusal('rate_limited', surface);
    tooManyRequests(res, blockedMs, 'Too many failed authentications from this address');
    return null;
  }
  if (!principal) {
    const waitMs = await gate.limits.recordFailure(client);
    gate.logger.warn({ client, path: req.path }, 'authentication failed');
    gate.countRefusal(waitMs > 0 ? 'rate_limited' : 'unauthenticated', surface);
    if (waitMs > 0) tooManyRequests(res, waitMs, 'Too many failed authentications from this address');
    else refuse();
    return null;
  }
  const waitMs = await gate.limits.consumeRequest(principal);
  if (waitMs > 0) {
    gate.countRefusal('rate_limited', surface);
    tooManyRequests(res, waitMs, `Too many requests by ${principal.name}`);
    return null;
  }
  res.locals.principal = principal;
  return principal;
}

/** The API's gate: `Authorization: Bearer <API key or JWT>`. */
export function requireBearer(gate: Gate, realm: string): RequestHandler {
  return (req, res, next) => {
    const refuse = () => {
      res.set('WWW-Authenticate', `Bearer realm="${realm}"`);
      sendHttpError(res, 401, 'UNAUTHENTICATED', 'Missing or invalid bearer token: send Authorization: Bearer <API key or JWT>');
    };
    admit(gate, 'api', req, res, () => gate.authenticator.bearer(req.headers.authorization), refuse).then(
      (principal) => principal && next(),
      next,
    );
  };
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Agendash's gate: basic auth where the user is a principal's name and the password one of its
 * API keys (or DASH_USER/DASH_PASSWORD). Reading needs `viewer` (or `jobs-admin`); any change
 * (requeue, retry, pause, resume, delete, create) needs `jobs-admin`, and is logged with its principal.
 */
export function requireDashboardLogin(gate: Gate, realm: string): RequestHandler {
  return (req, res, next) => {
    const refuse = () => {
      res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      sendHttpError(res, 401, 'UNAUTHENTICATED', 'Authentication required: user = principal name, password = its API key');
    };
    // A browser asks first without any credential and sends the login only after this challenge:
    // that is the protocol's first step, not a failed authentication, so it is neither counted
    // against the address nor logged as one.
    if (!req.headers.authorization) return refuse();
    const identify = async () => gate.authenticator.basic(req.headers.authorization);
    admit(gate, 'dashboard', req, res, identify, refuse).then((principal) => {
      if (!principal) return;
      const reading = READ_METHODS.has(req.method);
      if (reading ? !holds(principal, VIEWER_ROLE) && !holds(principal, JOBS_ADMIN_ROLE) : !holds(principal, JOBS_ADMIN_ROLE)) {
        const needed = reading ? `"${VIEWER_ROLE}" or "${JOBS_ADMIN_ROLE}"` : `"${JOBS_ADMIN_ROLE}"`;
        gate.countRefusal('forbidden', 'dashboard');
        sendHttpError(res, 403, 'FORBIDDEN', `${reading ? 'Viewing' : 'Changing'} jobs needs the role ${needed}; ${principal.name} holds ${[...principal.roles].join(', ') || 'no role'}`);
        return;
      }
      if (!reading) gate.logger.info({ principal: principal.name, method: req.method, path: req.path }, 'Agendash change');
      next();
    }, next);
  };
}
