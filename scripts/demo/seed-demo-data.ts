import { Types } from 'mongoose';
import type { GamesModels } from '../../games/src/data-access/games-models.js';
import { toStored } from '../../games/src/data-access/version-history.plugin.js';
import type { RgsModels } from '../../rgs/src/data-access/rgs-models.js';

/** One environment of the demo: its required currencies and, per server, how many tables. */
interface EnvironmentPlan {
  name: string;
  requiredCurrencies: string[];
  servers: Array<{ name: string; active: boolean; tables: number }>;
  /** Currencies the tables are drawn from, in turn. */
  currencies: string[];
}

/**
 * Three environments with 2,400 tables: a mix of required-currency tables, tables outside the
 * required currencies without traffic (to delete) and with traffic (to archive). `isle-of-man`
 * has no qualifying server (all its tables are in its required currency), and `malta-prod` has an
 * inactive server, which is skipped.
 */
const PLAN: EnvironmentPlan[] = [
  {
    name: 'malta-prod',
    requiredCurrencies: ['EUR', 'USD'],
    currencies: ['EUR', 'USD', 'GBP', 'SEK', 'EUR', 'CAD'],
    servers: [
      { name: 'mt-01', active: true, tables: 500 },
      { name: 'mt-02', active: true, tables: 500 },
      { name: 'mt-03-retired', active: false, tables: 200 },
    ],
  },
  {
    name: 'curacao-prod',
    requiredCurrencies: ['USD', 'CAD'],
    currencies: ['USD', 'CAD', 'BRL', 'MXN', 'USD'],
    servers: [
      { name: 'cw-01', active: true, tables: 400 },
      { name: 'cw-02', active: true, tables: 400 },
    ],
  },
  {
    name: 'isle-of-man',
    requiredCurrencies: ['GBP'],
    currencies: ['GBP'],
    servers: [{ name: 'im-01', active: true, tables: 400 }],
  },
];

export interface SeedSummary {
  environments: number;
  servers: number;
  tables: number;
  withTraffic: number;
}

/**
 * Seeds both databases consistently when they are empty: every RGS game table's `boId` is the id
 * of a Games game table (created with its `create` version). Does nothing when data exists.
 * `scale` multiplies the tables of every server (42 gives about 100,000, for the request bench).
 */
export async function seedDemoData(games: GamesModels, rgs: RgsModels, today: Date, scale = 1): Promise<SeedSummary | null> {
  const midnightUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  if ((await rgs.Environment.estimatedDocumentCount()) > 0 || (await games.GameTable.estimatedDocumentCount()) > 0) return null;
  const summary: SeedSummary = { environments: 0, servers: 0, tables: 0, withTraffic: 0 };
  const now = new Date();
  for (const plan of PLAN) {
    const environment = await rgs.Environment.create({ name: plan.name, requiredCurrencies: plan.requiredCurrencies });
    summary.environments++;
    for (const serverPlan of plan.servers) {
      const server = await rgs.Server.create({ environmentId: environment._id, name: serverPlan.name, active: serverPlan.active });
      summary.servers++;
      const tables = Array.from({ length: serverPlan.tables * scale }, (_, i) => ({
        boId: new Types.ObjectId(),
        rgsId: new Types.ObjectId(),
        name: `${serverPlan.name} table ${String(i + 1).padStart(3, '0')}`,
        currency: plan.currencies[i % plan.currencies.length]!,
        // Every other table outside the required currencies has had traffic.
        traffic: i % 2 === 0,
      }));
      await games.GameTable.collection.insertMany(
        tables.map((t) => ({ _id: t.boId, name: t.name, currency: t.currency, active: true, archivedAt: null, createdAt: now, updatedAt: now, __v: 0 })),
      );
      await games.GameTableVersion.collection.insertMany(
        tables.map((t) =>
          toStored(
            { itemId: t.boId, event: 'create', changes: { name: [null, t.name], currency: [null, t.currency], active: [null, true] }, operationId: null, createdAt: now },
            'gameTableId',
          ),
        ),
      );
      await rgs.GameTable.collection.insertMany(
        tables.map((t) => ({ _id: t.rgsId, serverId: server._id, boId: t.boId, name: t.name, currency: t.currency, active: true, archivedAt: null, createdAt: now, updatedAt: now, __v: 0 })),
      );
      const withTraffic = tables.filter((t) => t.traffic);
      if (withTraffic.length > 0) {
        await rgs.AggregatedGgr.collection.insertMany(
          withTraffic.map((t, i) => {
            const bets = 1_000 + ((i * 37) % 5_000);
            const wins = Math.round(bets * 0.93);
            return { gameTableId: t.rgsId, day: new Date(midnightUtc - ((i % 20) + 1) * 86_400_000), currency: t.currency, bets, wins, ggr: bets - wins };
          }),
        );
      }
      summary.tables += tables.length;
      summary.withTraffic += withTraffic.length;
    }
  }
  return summary;
}
