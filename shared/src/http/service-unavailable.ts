import type { ApolloServerPlugin } from '@apollo/server';

/** The `extensions.code` of an answer the caller should send again later (MongoDB in a failover or outage). */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

export const SERVICE_UNAVAILABLE_MESSAGE = 'Service temporarily unavailable (database failover or outage); retry the request';

/**
 * Seconds a caller is asked to wait before retrying (`Retry-After`): a replica set elects a new
 * primary within a few seconds, and the caller's own backoff takes over if it takes longer.
 */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Answers HTTP 503 with `Retry-After` when the error boundary (format-error.ts) turned an error into
 * SERVICE_UNAVAILABLE: a retrying client or proxy reads the status, the body keeps the JSON error
 * shape. `formatError` cannot set the status itself (Apollo reads it from the errors before
 * formatting them), so this plugin maps the formatted code to it.
 */
export function serviceUnavailablePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const unavailable = (response.body.singleResult.errors ?? []).some((e) => e.extensions?.code === SERVICE_UNAVAILABLE);
          if (!unavailable) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
