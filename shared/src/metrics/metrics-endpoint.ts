import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { hasBearerToken } from '../http/bearer-auth.js';

/**
 * `GET /metrics` in Prometheus' text format. Open when `token` is unset (metrics carry counts and
 * timings, never data; keep the port internal); with `METRICS_TOKEN` set, a scraper must send
 * `Authorization: Bearer <METRICS_TOKEN>` (Prometheus: `authorization: { credentials: … }`). It is
 * deliberately not the API token, which can start and purge cleanups.
 */
export function metricsHandler(registry: Registry, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token !== undefined && !hasBearerToken(req.headers.authorization, token)) {
      res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text').send('Missing or invalid bearer token (METRICS_TOKEN)\n');
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
}
