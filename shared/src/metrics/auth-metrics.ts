import { Counter, type Registry } from 'prom-client';

/** Why a request was refused before any resolver or Agendash route ran. */
export type RefusalReason = 'unauthenticated' | 'forbidden' | 'rate_limited' | 'identity_provider_unavailable';

/** Where: the GraphQL API, or Agendash. */
export type RefusalSurface = 'api' | 'dashboard';

export type CountRefusal = (reason: RefusalReason, surface: RefusalSurface) => void;

/**
 * `http_requests_refused_total` by reason and surface: a credential leaked or misconfigured (401s),
 * a principal missing a role (403s), a client or principal over its budget (429s) show up here
 * before anyone reads the logs.
 */
export function authRefusalCounter(registry: Registry): CountRefusal {
  const refused = new Counter({
    name: 'http_requests_refused_total',
    help: 'Requests refused by authentication, authorization or rate limits, by reason and surface',
    labelNames: ['reason', 'surface'],
    registers: [registry],
  });
  return (reason, surface) => refused.inc({ reason, surface });
}
