import type { RequestHandler } from 'express';
import { constantTimeEqual } from './constant-time-equal.js';

/** HTTP basic auth for the operator UIs (Agendash). */
export function basicAuth(user: string, password: string, realm: string): RequestHandler {
  return (req, res, next) => {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() === 'basic' && encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      if (
        separator >= 0 &&
        constantTimeEqual(decoded.slice(0, separator), user) &&
        constantTimeEqual(decoded.slice(separator + 1), password)
      ) {
        next();
        return;
      }
    }
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`).status(401).send('Authentication required');
  };
}
