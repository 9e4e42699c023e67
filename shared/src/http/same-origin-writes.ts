import type { RequestHandler } from 'express';
import { sendHttpError } from './http-errors.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF guard for the operator UI (Agendash), which a browser reaches with cached basic-auth
 * credentials: a state-changing request (any method but GET, HEAD, OPTIONS) must come from the
 * same origin and carry JSON. A cross-site page can send neither a JSON body without a CORS
 * preflight (which we never grant) nor a matching Origin, so its forms and fetches are refused
 * before they reach Agendash. Reads are left as they are. Clients that are not browsers (curl) send
 * neither Origin nor Sec-Fetch-Site and only need the JSON content type.
 */
export function sameOriginWrites(): RequestHandler {
  return (req, res, next) => {
    if (READ_METHODS.has(req.method)) {
      next();
      return;
    }
    const fetchSite = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite =
      (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') ||
      (origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`);
    if (crossSite) {
      sendHttpError(res, 403, 'FORBIDDEN', 'Cross-site requests may not change anything here');
      return;
    }
    if (!req.is('application/json')) {
      sendHttpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send state-changing requests as application/json');
      return;
    }
    next();
  };
}
