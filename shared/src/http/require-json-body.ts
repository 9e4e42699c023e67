import type { RequestHandler } from 'express';
import { sendHttpError } from './http-errors.js';

/**
 * GraphQL over HTTP: a POST must carry `application/json`. Anything else (a form, text/plain, no
 * content type) is answered 415 in the JSON error shape before the body is read; a browser form
 * can therefore never reach a resolver.
 */
export function requireJsonBody(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || req.is('application/json')) {
      next();
      return;
    }
    sendHttpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send GraphQL requests as application/json');
  };
}
