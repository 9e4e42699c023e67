import { Gauge, Histogram, type Registry } from 'prom-client';
import { createMetricsRegistry } from '../../shared/src/metrics/registry.js';
import { statusCountGauge } from '../../shared/src/metrics/status-count-gauge.js';
import type { RgsModels } from './data-access/rgs-models.js';
import type { ChainTimings } from './domain/chain-timings.js';
import { DispatchStatus, RunStatus } from './domain/statuses.js';

/**
 * The Prometheus registry of one RGS instance: `rgs_cleanup_runs{status}`, `rgs_dispatches{status}`
 * and `rgs_oldest_pending_dispatch_age_seconds` (0 when none is pending), all read from MongoDB at
 * scrape time so they hold whichever process did the work; plus the shared job, GraphQL and process
 * metrics. Alert on a growing oldest-pending age (Games unreachable: the outbox is stuck) and on
 * FAILED dispatches (they wait for `retryDispatch`). `rgs_chain_handoff_seconds` is observed by this
 * process's chains as they go from one server to the next.
 */
export function createRgsMetrics(models: RgsModels): { registry: Registry; chainTimings: ChainTimings } {
  const registry = createMetricsRegistry('rgs');
  statusCountGauge({ registry, name: 'rgs_cleanup_runs', help: 'Cleanup runs by status (counted at scrape time)', model: models.CleanupRun, statuses: Object.values(RunStatus) });
  statusCountGauge({ registry, name: 'rgs_dispatches', help: 'Outbox dispatches to Games by status (counted at scrape time)', model: models.Dispatch, statuses: Object.values(DispatchStatus) });
  new Gauge({
    name: 'rgs_oldest_pending_dispatch_age_seconds',
    help: 'Age of the oldest PENDING outbox dispatch, in seconds; 0 when none is pending',
    registers: [registry],
    async collect() {
      this.reset();
      const oldest = await models.Dispatch.collection
        .findOne<{ createdAt: Date }>({ status: DispatchStatus.PENDING }, { sort: { createdAt: 1 }, projection: { createdAt: 1 } })
        .then((doc) => ({ doc }))
        .catch(() => undefined);
      if (!oldest) return; // MongoDB did not answer: leave the series out of this scrape
      this.set(oldest.doc ? (Date.now() - oldest.doc.createdAt.getTime()) / 1000 : 0);
    },
  });
  const handOff = new Histogram({
    name: 'rgs_chain_handoff_seconds',
    help: 'Time an environment chain stood between two servers (one recorded done, the next started), in seconds',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { registry, chainTimings: { handOff: (ms) => handOff.observe(ms / 1000) } };
}
