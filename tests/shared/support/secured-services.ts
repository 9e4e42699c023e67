import type { Connection } from 'mongoose';
import { JOB_WAKE_UPS_COLLECTION } from '../../../shared/src/agenda/job-wake-ups.js';
import { RATE_LIMITS_COLLECTION } from '../../../shared/src/auth/rate-limits.js';
import { startTestGames } from '../../support/games-app.js';
import { startTestRgs } from '../../rgs/support/rgs-app.js';

export type Mode = 'development' | 'production';

/** Secrets that production accepts (16+ characters, not a development default). */
export const PRODUCTION_SECRETS = {
  gamesToken: 'games-token-for-security-tests',
  rgsToken: 'rgs-token-for-security-tests',
  dashPassword: 'dash-password-for-security-tests',
} as const;

/** A running service as the security tests see it: its URL, token, database and one list query of its own. */
export interface SecuredService {
  name: 'games' | 'rgs';
  mode: Mode;
  url: string;
  token: string;
  dashPassword: string;
  conn: Connection;
  /** A cheap query that reads a list (for alias and cost attacks). */
  listQuery: string;
  /** A page-heavy selection that, with `first: 500` twice, is over the cost limit. */
  heavyPage: string;
  /** A mutation that would store something if it ran. */
  mutation: string;
  /** A query with an id argument, to see how a huge id is echoed. */
  idQuery: (id: string) => string;
  stop(): Promise<void>;
}

const envFor = (mode: Mode, name: 'games' | 'rgs'): Record<string, string> =>
  mode === 'production'
    ? {
        NODE_ENV: 'production',
        DASH_PASSWORD: PRODUCTION_SECRETS.dashPassword,
        ...(name === 'games' ? { GAMES_API_TOKEN: PRODUCTION_SECRETS.gamesToken } : { RGS_API_TOKEN: PRODUCTION_SECRETS.rgsToken, GAMES_API_TOKEN: PRODUCTION_SECRETS.gamesToken }),
      }
    : { NODE_ENV: 'development' };

/** Starts Games or RGS in the given mode on a fresh database. */
export async function startSecuredService(name: 'games' | 'rgs', mode: Mode): Promise<SecuredService> {
  const env = envFor(mode, name);
  const dashPassword = mode === 'production' ? PRODUCTION_SECRETS.dashPassword : 'dash-dev-password';
  const started = name === 'games' ? await startTestGames({ env, workers: false }) : await startTestRgs({ env });
  const token = { games: { production: PRODUCTION_SECRETS.gamesToken, development: 'test-games-token' }, rgs: { production: PRODUCTION_SECRETS.rgsToken, development: 'test-rgs-token' } }[name][mode];
  const common = { name, mode, url: started.url, token, dashPassword, conn: started.conn, stop: started.stop };
  return name === 'games'
    ? {
        ...common,
        listQuery: 'gameTables(first: 1) { id }',
        heavyPage: 'gameTables(first: $n) { id name currency active archivedAt versions { event changes operationId createdAt } }',
        mutation: 'cleanupGameTables(ids: ["65ab12cd34ef56ab78cd90ef"], actionType: DELETE, archivedAt: "2026-11-25T11:11:11Z") { id }',
        idQuery: (id) => `{ operation(id: ${JSON.stringify(id)}) { id } }`,
      }
    : {
        ...common,
        listQuery: 'cleanupRuns(first: 1) { id }',
        heavyPage: 'cleanupRuns(first: 100) { id status errors dispatches(first: $n) { id actionType count status attempts gamesOperationId lastError } }',
        mutation: 'startCleanup { id }',
        idQuery: (id) => `{ cleanupRun(id: ${JSON.stringify(id)}) { id } }`,
      };
}

/**
 * Document counts of every collection of the service's database, to prove nothing was written. The
 * rate limits' counters are left out (counting a refused request is their job), and so are the job
 * wake-ups, which the service's own recurring jobs write as they run (a new job would show in
 * `agendaJobs`).
 */
export async function collectionCounts(conn: Connection): Promise<Record<string, number>> {
  const left = new Set([RATE_LIMITS_COLLECTION, JOB_WAKE_UPS_COLLECTION]);
  const names = (await conn.db!.listCollections().toArray()).map((c) => c.name).filter((n) => !left.has(n)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await conn.db!.collection(n).countDocuments()] as const)));
}
