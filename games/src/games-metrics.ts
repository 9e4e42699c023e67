import { Counter, type Registry } from 'prom-client';
import { createMetricsRegistry } from '../../shared/src/metrics/registry.js';
import { statusCountGauge } from '../../shared/src/metrics/status-count-gauge.js';
import type { GamesModels } from './data-access/games-models.js';
import { OperationStatus } from './domain/cleanup-action.js';
import type { GamesWorkCounters } from './domain/work-counters.js';

export interface GamesMetrics {
  registry: Registry;
  counters: GamesWorkCounters;
}

/**
 * The Prometheus metrics of one Games instance: `games_operations{status}` (counted in MongoDB at
 * scrape time), `games_tables_archived_total` and `games_tables_purged_total` (counted by this
 * process as it works), plus the shared job, GraphQL and process metrics.
 */
export function createGamesMetrics(models: GamesModels): GamesMetrics {
  const registry = createMetricsRegistry('games');
  statusCountGauge({
    registry,
    name: 'games_operations',
    help: 'Cleanup operations by status (all processes; counted at scrape time)',
    model: models.AsyncOperation,
    statuses: Object.values(OperationStatus),
  });
  const archived = new Counter({ name: 'games_tables_archived_total', help: 'Game tables archived (phase 1) by this process', registers: [registry] });
  const purged = new Counter({ name: 'games_tables_purged_total', help: 'Archived game tables hard-deleted (phase 2) by this process', registers: [registry] });
  return {
    registry,
    counters: { tablesArchived: (count) => archived.inc(count), tablesPurged: (count) => purged.inc(count) },
  };
}
