import type { RequestHandler } from 'express';
import { constantTimeEqual } from './constant-time-equal.js';
import { sendHttpError } from './http-errors.js';

/** The user and password of a `Basic` Authorization header; empty strings when absent or malformed. */
function basicCredentials(header: string | undefined): { user: string; password: string } {
  const [scheme, encoded] = (header ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return { user: '', password: '' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

/**
 * HTTP basic auth for the operator UIs (Agendash). Both the user and the password are always
 * compared, in constant time, and combined without short-circuit: the time taken says nothing about
 * which one was wrong.
 */
export function basicAuth(user: string, password: string, realm: string): RequestHandler {
  return (req, res, next) => {
    const given = basicCredentials(req.headers.authorization);
    const userMatches = constantTimeEqual(given.user, user);
    const passwordMatches = constantTimeEqual(given.password, password);
    // Both comparisons ran; `&` (not `&&`) keeps the decision itself branch-free.
    if ((Number(userMatches) & Number(passwordMatches)) === 1) {
      next();
      return;
    }
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    sendHttpError(res, 401, 'UNAUTHENTICATED', 'Authentication required');
  };
}
