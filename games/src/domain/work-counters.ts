/**
 * Where the Games domain reports the tables it changed, as it changes them; the service's metrics
 * implement it (games-metrics.ts). Called after the change committed, with counts of tables.
 */
export interface GamesWorkCounters {
  /** Tables archived by an operation that just became DEFERRED (already archived ones included). */
  tablesArchived(count: number): void;
  /** Tables hard-deleted (or found already gone) by a purge that just finished. */
  tablesPurged(count: number): void;
}

/** For callers that do not count (tests, the benchmark). */
export const UNCOUNTED: GamesWorkCounters = { tablesArchived: () => {}, tablesPurged: () => {} };
