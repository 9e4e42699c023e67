/** Reads `GET /metrics` of a service (with `token` as bearer, if given). */
export async function scrapeMetrics(baseUrl: string, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
}

/**
 * The value of one series in Prometheus' text format: `name` with (at least) these labels, 0 when
 * the series is absent (a counter never incremented is not printed).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[4]);
  }
  return 0;
}
