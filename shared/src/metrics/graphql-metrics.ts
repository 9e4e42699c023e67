import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Histogram, type Registry } from 'prom-client';

/** Buckets of GraphQL request durations, in seconds. */
const REQUEST_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * An Apollo plugin that times every GraphQL request: `graphql_request_duration_seconds` by
 * `operation` (the operation's name; `anonymous` for an unnamed one, `invalid` when the request did
 * not parse or validate, so arbitrary text never becomes a label) and `result` (ok or error).
 */
export function graphqlMetricsPlugin<C extends BaseContext>(registry: Registry): ApolloServerPlugin<C> {
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Duration of GraphQL requests, in seconds, by operation name',
    labelNames: ['operation', 'result'],
    buckets: REQUEST_DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    async requestDidStart() {
      const end = duration.startTimer();
      let operation = 'invalid';
      return {
        async didResolveOperation(requestContext) {
          operation = requestContext.operationName ?? 'anonymous';
        },
        async willSendResponse(requestContext) {
          const body = requestContext.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          end({ operation, result: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}
