import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { capMessage } from './echo-input.js';
import { DomainError } from './errors.js';
import { requestLimitRejection } from './http/request-limits-error.js';
import type { Logger } from './logger.js';
import { isTransientInfrastructureError } from './mongo/transient-error.js';
import { SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE_MESSAGE } from './http/service-unavailable.js';

/** Codes that GraphQL itself, Apollo or our context produce and that are safe to show as they are. */
const PASSTHROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one boundary where errors become responses (Apollo's `formatError`). Domain errors keep their
 * message and get their stable code; argument validation lists each broken constraint; MongoDB
 * unreachable or in an election becomes the retryable SERVICE_UNAVAILABLE; anything unexpected is
 * logged in full and shown only as a generic INTERNAL_SERVER_ERROR.
 */
export function createFormatError(logger: Logger) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const path = formatted.path ? { path: formatted.path } : {};

    // Apollo files limits under GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED; they keep their own code.
    const limit = requestLimitRejection(original);
    if (limit) return { message: limit.message, extensions: { code: limit.extensions.code } };
    if (original instanceof DomainError) {
      return { message: original.message, ...path, extensions: { code: original.code } };
    }
    if (original instanceof ArgumentValidationError) {
      const problems = original.extensions.validationErrors.flatMap((v) =>
        Object.values(v.constraints ?? {}).map((text) => `${v.property}: ${text}`),
      );
      return {
        message: `Invalid arguments: ${problems.join('; ')}`,
        ...path,
        extensions: { code: 'BAD_USER_INPUT', problems },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASSTHROUGH_CODES.has(code)) return formatted;
    // A failover or an outage is not a bug of this request: the caller is told to retry (HTTP 503
    // with Retry-After, see service-unavailable.ts), and the log says what happened.
    if (isTransientInfrastructureError(original)) {
      logger.warn({ err: original, path: formatted.path }, 'MongoDB unavailable during a GraphQL request (failover or outage); answered as retryable');
      return { message: SERVICE_UNAVAILABLE_MESSAGE, ...path, extensions: { code: SERVICE_UNAVAILABLE } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL request');
    return {
      message: 'Internal server error',
      ...path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
  // Messages may quote input (graphql-js quotes invalid values whole): cut them to a short length.
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    return { ...result, message: capMessage(result.message) };
  };
}
