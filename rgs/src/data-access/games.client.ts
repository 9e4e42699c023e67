import { ClientError, GraphQLClient } from 'graphql-request';
import { CleanupGameTablesDocument } from '../../../graphql/generated/games-client.js';
import type { CleanupAction } from '../domain/statuses.js';

/** One cleanup call to Games, as the outbox sends it. */
export interface CleanupGameTablesCall {
  boIds: string[];
  actionType: CleanupAction;
  archivedAt: Date;
  /** The dispatch id: Games answers a repeated key with the first operation, so retries are safe. */
  idempotencyKey: string;
}

export interface GamesOperationRef {
  id: string;
  status: string;
}

/** The part of the Games API RGS uses. */
export interface GamesClient {
  cleanupGameTables(call: CleanupGameTablesCall): Promise<GamesOperationRef>;
  /** True when Games' /health answers 200 (in at most a few seconds); absent: never probed. */
  isHealthy?(): Promise<boolean>;
}

/** How long the outbox's health probe of Games may take, in milliseconds. */
export const GAMES_HEALTH_TIMEOUT_MS = 2_000;

/**
 * A call Games answered with an error that sending again will not fix: BAD_USER_INPUT (invalid
 * ids, or the idempotency key reused with different content), or RGS's key refused (401, 403).
 */
export class GamesRejectedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'GamesRejectedError';
  }
}

/**
 * Games refused the call for RGS's request budget (HTTP 429): nothing was done, and sending again
 * before `retryAfterMs` is refused too. Not a failed attempt.
 */
export class GamesRateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'GamesRateLimitedError';
  }
}

/** When a 429 carries no usable Retry-After, in milliseconds. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Answers that sending the same call again cannot change: invalid content, or RGS's key refused
 * (unknown, or its principal lacks `cleanup`) until a person fixes GAMES_API_TOKEN or GAMES_API_KEYS.
 * Every other answer is retried by the outbox with backoff: SERVICE_UNAVAILABLE (HTTP 503, MongoDB
 * in a failover behind Games), INTERNAL_SERVER_ERROR, and HTTP or network failures; a 429 waits for
 * its Retry-After.
 */
const PERMANENT_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN']);

/** The Games client over HTTP (graphql-request), with the typed document generated from graphql/operations/games. */
export function createGamesClient(options: { url: string; apiToken: string; timeoutMs: number }): GamesClient {
  const base = options.url.replace(/\/$/, '');
  const client = new GraphQLClient(`${base}/graphql`, {
    headers: { authorization: `Bearer ${options.apiToken}` },
  });
  return {
    async cleanupGameTables(call) {
      try {
        const data = await client.request({
          document: CleanupGameTablesDocument,
          variables: {
            ids: call.boIds,
            actionType: call.actionType,
            archivedAt: call.archivedAt.toISOString(),
            idempotencyKey: call.idempotencyKey,
          },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        return { id: data.cleanupGameTables.id, status: data.cleanupGameTables.status };
      } catch (err) {
        throw describeFailure(err);
      }
    },
    async isHealthy() {
      return fetch(`${base}/health`, { signal: AbortSignal.timeout(GAMES_HEALTH_TIMEOUT_MS) }).then(
        (res) => res.ok,
        () => false,
      );
    },
  };
}

/** Keeps what an operator needs from a failed call: the GraphQL code and message, or the HTTP/network error. */
function describeFailure(err: unknown): Error {
  if (!(err instanceof ClientError)) {
    // fetch reports "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause. Duck-typed:
    // errors thrown by the runtime's fetch may come from another realm than this module's Error.
    const { message, cause } = (err ?? {}) as { message?: unknown; cause?: { message?: unknown } };
    const reason = typeof cause?.message === 'string' && cause.message ? `: ${cause.message}` : '';
    return new Error(`Games unreachable (${typeof message === 'string' ? message : String(err)}${reason})`);
  }
  const first = err.response.errors?.[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : `HTTP ${err.response.status}`;
  const message = `Games answered ${code}: ${first?.message ?? 'no error message'}`;
  if (err.response.status === 429) {
    const seconds = Number(err.response.headers?.get('retry-after'));
    return new GamesRateLimitedError(message, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS);
  }
  return PERMANENT_CODES.has(code) ? new GamesRejectedError(message, code) : new Error(message);
}
