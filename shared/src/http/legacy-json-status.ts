import type { ApolloServerPlugin } from '@apollo/server';

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const APPLICATION_JSON = 'application/json';

/**
 * The failures of a well-formed request (its document or variables), which a legacy client reads
 * from a 200. A malformed request (no query, wrong parameter types: BAD_REQUEST) stays a 400.
 */
const DOCUMENT_FAILURES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/** The q-value the Accept header gives an exact media type; 0 when it is not listed by name. */
function quality(accept: string, mediaType: string): number {
  for (const entry of accept.split(',')) {
    const [type, ...params] = entry.trim().split(';');
    if (type?.trim().toLowerCase() !== mediaType) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q ? Number(q.slice(2)) || 0 : 1;
  }
  return 0;
}

/**
 * GraphQL over HTTP, for clients that accept only `application/json` (the legacy format): a
 * request that fails before execution (parse, validation, variables, request limits) is answered
 * with 200 and the errors in the body, as the spec says they SHOULD be, because such a client reads
 * the body whatever the status; clients that ask for `application/graphql-response+json` keep the
 * 4xx. The plugin also fixes the response media type, so status and media type always agree.
 * Authentication (401) and method (405) answers are left as they are.
 */
export function legacyJsonStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, errors }) {
          const accept = request.http?.headers.get('accept') ?? '';
          // An Accept that allows neither JSON type is Apollo's to refuse (406).
          if (accept && !/\*\/\*|application\/\*|application\/json|application\/graphql-response\+json/i.test(accept)) return;
          const graphqlResponse = quality(accept, GRAPHQL_RESPONSE_JSON);
          const wantsGraphqlResponse = graphqlResponse > 0 && graphqlResponse >= quality(accept, APPLICATION_JSON);
          if (response.body.kind !== 'single' || response.http.headers.get('content-type')) return;
          response.http.headers.set('content-type', `${wantsGraphqlResponse ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON}; charset=utf-8`);
          const documentFailure = (errors ?? []).length > 0 && (errors ?? []).every((e) => DOCUMENT_FAILURES.has(String(e.extensions.code)));
          if (!wantsGraphqlResponse && response.http.status === 400 && documentFailure && response.body.singleResult.data === undefined) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}
