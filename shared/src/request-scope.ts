import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving one request carries. */
export interface RequestScope {
  requestId: string;
  /** The principal making the request. */
  principal: string;
}

const scope = new AsyncLocalStorage<RequestScope>();

/**
 * Runs the rest of a request's handling inside its scope: every log line written meanwhile, by a
 * resolver or by the domain code it calls, carries the request id and the principal (see the
 * logger's mixin), without passing a logger through every call.
 */
export function runInRequestScope<T>(request: RequestScope, handle: () => T): T {
  return scope.run(request, handle);
}

/**
 * Runs work that outlives the request which started it (a lane added to a running outbox round)
 * outside the request's scope, so its log lines are not credited to that request's principal.
 */
export function outsideRequestScope<T>(work: () => T): T {
  return scope.exit(work);
}

/** The fields of the current request's scope, or none outside a request (pino's `mixin`). */
export function requestLogFields(): Partial<RequestScope> {
  return scope.getStore() ?? {};
}
