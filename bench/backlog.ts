import { setTimeout as sleep } from 'node:timers/promises';
import { Types, type Connection, type mongo } from 'mongoose';
import { freePort } from '../tests/rgs/support/free-port.js';
import { median } from './median.js';
import { BENCH_TOKEN, ServiceProcess, checkDeadline, postGraphql } from './service-process.js';

/** `BENCH_BACKLOG_CONNECTIONS` (default 50): requests in flight at once, each on its own connection. */
const CONNECTIONS = Number(process.env.BENCH_BACKLOG_CONNECTIONS ?? 50);
/** `BENCH_BACKLOG_SECONDS` (default 20): how long the requests keep coming. */
const LOAD_MS = Number(process.env.BENCH_BACKLOG_SECONDS ?? 20) * 1000;
/**
 * `BENCH_BACKLOG_LOCK_MS` (default 5,000): the worker's lock lifetime (CLEANUP_LOCK_LIFETIME_MS).
 * The queue waited 33 s p50 against 30 s locks; on the 2-core machine the same load queues
 * about 8 s, so a shorter lock puts the backlog past the lock lifetime as it was there.
 */
export const BACKLOG_LOCK_MS = Number(process.env.BENCH_BACKLOG_LOCK_MS ?? 5_000);
const IDS_PER_REQUEST = 100;
/** Tables seeded, enough that no request repeats an id at the rate (2,781 requests in 20 s). */
const TABLES = Number(process.env.BENCH_BACKLOG_TABLES ?? 400_000);
const INSERT_CHUNK = 10_000;
const DRAIN_POLL_MS = 1_000;
const ARCHIVED_AT = '2026-11-25T11:11:11.000Z';
const MUTATION = `mutation($ids: [ID!]!, $archivedAt: DateTimeISO!) { cleanupGameTables(ids: $ids, actionType: ARCHIVE, archivedAt: $archivedAt, async: true) { id } }`;

/** What the backlog scenario prints. */
export interface BacklogResult {
  /** Requests answered with an operation, and the others (HTTP or GraphQL errors). */
  requests: { ok: number; failed: number };
  operations: number;
  /** Operations by how many times they were claimed (`attempts`). */
  attempts: Record<string, number>;
  /** The worker's log lines of a run that found another attempt had taken over, or that lost its lock. */
  staleAttempts: number;
  lostLocks: number;
  /** p50 and p95 of an operation's wait from its request to its (last) claim, ms; how many waited longer than a lock lifetime. */
  queueWait: { p50: number; p95: number; beyondLock: number };
  /** From the first request to the last operation finished, ms; and operations per second over it. */
  drainedMs: number;
  perSecond: number;
  /** Tables the requests repeated (the seeded ones ran out): their archive costs less. */
  repeatedIds: boolean;
}

/**
 * Issue 27's load on Games: an API process (RUN_JOBS=false) and a worker process from the build,
 * defaults but for the request rate limit and the lock lifetime; CONNECTIONS clients send async `cleanupGameTables`
 * requests of 100 ids for LOAD_MS, then the queue drains. Every operation should be attempted once.
 */
export async function backlogRun(conn: Connection, uri: (db: string) => string, deadline: number): Promise<BacklogResult> {
  const client = conn.getClient() as unknown as mongo.MongoClient;
  const name = 'backlog_games';
  const db = client.db(name);
  await db.dropDatabase();
  const ids = await seedTables(db);
  const env = {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', GAMES_MONGODB_URI: uri(name), GAMES_API_TOKEN: BENCH_TOKEN,
    // The rate (about 8,000 requests a minute) is above the default budget of one principal.
    REQUESTS_PER_MINUTE: '1000000',
    CLEANUP_LOCK_LIFETIME_MS: String(BACKLOG_LOCK_MS),
  };
  const apiPort = await freePort();
  const api = new ServiceProcess('games/src/main.js', { ...env, GAMES_PORT: String(apiPort), RUN_JOBS: 'false' });
  const worker = new ServiceProcess('games/src/main.js', { ...env, GAMES_PORT: String(await freePort()) });
  try {
    const url = `http://127.0.0.1:${apiPort}`;
    await api.waitHealthy(url, deadline);
    await worker.waitHealthy(`http://127.0.0.1:${worker.port}`, deadline);

    const started = Date.now();
    const requests = await sendRequests(url, ids);
    const operations = db.collection('asyncoperations');
    while ((await operations.countDocuments({ status: { $in: ['RECEIVED', 'IN_PROGRESS'] } })) > 0) {
      checkDeadline(deadline);
      await sleep(DRAIN_POLL_MS);
    }
    const done = await operations.find({}, { projection: { attempts: 1, createdAt: 1, startedAt: 1, finishedAt: 1 } }).toArray();
    const attempts: Record<string, number> = {};
    for (const op of done) attempts[op.attempts] = (attempts[op.attempts] ?? 0) + 1;
    const waits = done.map((op) => op.startedAt.getTime() - op.createdAt.getTime()).sort((a, b) => a - b);
    const drainedMs = Math.max(...done.map((op) => op.finishedAt.getTime())) - started;
    const log = worker.output();
    return {
      requests,
      operations: done.length,
      attempts,
      staleAttempts: log.split('is no longer the current one').length - 1,
      lostLocks: log.split('lost its lock').length - 1,
      queueWait: { p50: median(waits), p95: waits[Math.floor(waits.length * 0.95)] ?? 0, beyondLock: waits.filter((ms) => ms > BACKLOG_LOCK_MS).length },
      drainedMs,
      perSecond: done.length / (drainedMs / 1000),
      repeatedIds: requests.ok * IDS_PER_REQUEST > ids.length,
    };
  } finally {
    await api.stop();
    await worker.stop();
    await db.dropDatabase();
  }
}

/** Each client sends its next request as soon as the previous one is answered, until LOAD_MS is up. */
async function sendRequests(url: string, ids: string[]): Promise<{ ok: number; failed: number }> {
  const until = Date.now() + LOAD_MS;
  const counts = { ok: 0, failed: 0 };
  let next = 0;
  const client = async () => {
    while (Date.now() < until) {
      const start = (next++ * IDS_PER_REQUEST) % (ids.length - IDS_PER_REQUEST + 1);
      const res = await postGraphql(url, MUTATION, { ids: ids.slice(start, start + IDS_PER_REQUEST), archivedAt: ARCHIVED_AT }).catch(() => null);
      const body = res ? ((await res.json().catch(() => null)) as { data?: { cleanupGameTables?: { id: string } } } | null) : null;
      if (body?.data?.cleanupGameTables?.id) counts.ok++;
      else counts.failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  return counts;
}

/** Active Games tables for the requests, inserted straight into the collection; their ids as strings. */
async function seedTables(db: mongo.Db): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  for (let start = 0; start < TABLES; start += INSERT_CHUNK) {
    const docs = Array.from({ length: Math.min(INSERT_CHUNK, TABLES - start) }, (_, i) => ({
      _id: new Types.ObjectId(), name: `backlog table ${start + i}`, currency: 'USD', active: true, archivedAt: null, createdAt: now, updatedAt: now, __v: 0,
    }));
    await db.collection('gametables').insertMany(docs, { ordered: false });
    ids.push(...docs.map((d) => String(d._id)));
  }
  return ids;
}
