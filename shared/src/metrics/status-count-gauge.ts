import { Gauge, type Registry } from 'prom-client';
import type { Model } from 'mongoose';

/**
 * A gauge of the documents of a collection by `status`, counted at scrape time (one aggregation),
 * so it is right whichever process did the work. Every known status is reported, 0 when none. When
 * MongoDB cannot answer, the series are left out of that scrape (alert on their absence) instead of
 * failing the whole scrape or showing stale numbers.
 */
export function statusCountGauge(options: {
  registry: Registry;
  name: string;
  help: string;
  model: Model<never> | Model<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  statuses: readonly string[];
}): Gauge {
  const { model, statuses } = options;
  return new Gauge({
    name: options.name,
    help: options.help,
    labelNames: ['status'],
    registers: [options.registry],
    async collect() {
      this.reset();
      const counts = await model.collection
        .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }])
        .toArray()
        .catch(() => undefined);
      if (!counts) return;
      for (const status of statuses) this.set({ status }, counts.find((c) => c._id === status)?.n ?? 0);
    },
  });
}
