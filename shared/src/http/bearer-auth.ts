import { GraphQLError } from 'graphql';
import { constantTimeEqual } from './constant-time-equal.js';

/** True when the Authorization header carries `Bearer <token>`. */
export function hasBearerToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1] !== undefined && constantTimeEqual(match[1].trim(), token);
}

/** Thrown from the GraphQL context: Apollo answers HTTP 401 with this error and nothing else. */
export function unauthenticatedError(): GraphQLError {
  return new GraphQLError('Missing or invalid bearer token: send Authorization: Bearer <token>', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}
