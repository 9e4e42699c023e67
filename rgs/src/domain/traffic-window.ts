const DAY_MS = 86_400_000;

/**
 * The first day whose traffic counts: `lookbackDays` days before today (UTC days, as AggregatedGgr
 * stores them), or null when any traffic ever counts.
 */
export function trafficSince(now: Date, lookbackDays: number | undefined): Date | null {
  if (lookbackDays === undefined) return null;
  const todayUtc = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(todayUtc - lookbackDays * DAY_MS);
}
