import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per service instance, never prom-client's global one: two services (or two
 * tests) in one process each get their own metrics. Carries the default process metrics (CPU,
 * memory, event loop lag, GC, handles) and a `service` label on every series.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
