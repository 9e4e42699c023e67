import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

/**
 * The one error shape of every HTTP answer that is not a GraphQL result: the same
 * `{"errors":[{"message","extensions":{"code"}}]}` GraphQL errors have, so a client parses one
 * format whatever failed. Never HTML, never a stack trace, in every mode.
 */
export function sendHttpError(res: Response, status: number, code: string, message: string): void {
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** What body-parser and express put on the errors they raise (see http-errors / body-parser). */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/** body-parser's error types, with the code and the message a caller sees. */
const BODY_ERRORS: Record<string, { code: string; message: string }> = {
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' },
  'entity.parse.failed': { code: 'BAD_REQUEST', message: 'Request body is not valid JSON' },
  'encoding.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content encoding' },
  'charset.unsupported': { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported charset: send UTF-8' },
  'request.aborted': { code: 'BAD_REQUEST', message: 'Request aborted' },
  'request.size.invalid': { code: 'BAD_REQUEST', message: 'Request size did not match content length' },
};

/**
 * Express's last error handler: a body too large, malformed JSON or any other error raised before
 * a handler answered becomes the JSON error shape with its status. Unexpected errors are logged in
 * full and answered as a bare 500.
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const httpError = (typeof err === 'object' && err !== null ? err : {}) as HttpLikeError;
    const status = httpError.status ?? httpError.statusCode ?? 500;
    const known = httpError.type ? BODY_ERRORS[httpError.type] : undefined;
    if (known) {
      sendHttpError(res, status, known.code, known.message);
      return;
    }
    if (status >= 500) {
      logger.error({ err, method: req.method, path: req.path }, 'unexpected error in HTTP request');
      sendHttpError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      return;
    }
    sendHttpError(res, status, 'BAD_REQUEST', 'Bad request');
  };
}

/** Unknown routes: a JSON 404 instead of express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendHttpError(res, 404, 'NOT_FOUND', `No route for ${req.method} ${req.path.slice(0, 64)}`);
};
