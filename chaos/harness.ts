import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import { EMBEDDED_MONGODB_VERSION, resolveMongodBinary } from '../shared/src/mongo/mongod-binary.js';
import { startServiceProcess, type ServiceProcess } from '../tests/support/service-process.js';
import type { ShardedCluster } from '../tests/support/sharded-cluster.mjs';
import { freePort } from '../tests/rgs/support/free-port.js';

/** One row of the chaos report. */
export interface Trial {
  scenario: string;
  trial: number;
  target: string;
  /** What was measured, in words (with the number). */
  measured: string;
  /** Seconds from the fault (or the restart) to progress; null when it never came. */
  recoverySeconds: number | null;
  lost: number;
  doubled: number;
  pass: boolean;
  notes: string;
}

export const GAMES_TOKEN = 'chaos-games-token';
export const RGS_TOKEN = 'chaos-rgs-token';

/** Polls `probe` until `done` holds; throws after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}

export const seconds = (fromMs: number, toMs = Date.now()) => Math.round((toMs - fromMs) / 100) / 10;

/** Every fixture still running, so a deadline can stop them all. */
const live = new Set<{ stopAll(): Promise<void> }>();

/** Stops every replica set and service process still running (the runner's deadline). */
export async function stopEverything(): Promise<void> {
  for (const fixture of [...live]) await fixture.stopAll();
}

/**
 * Replica sets and sharded clusters on loopback with the project's mongod and MongoDB's default
 * settings (the default transactionLifetimeLimitSeconds of 60 s included), stopped by `stopAll`.
 */
export class Mongo {
  private readonly sets: MongoMemoryReplSet[] = [];
  private readonly clusters: ShardedCluster[] = [];

  constructor() {
    live.add(this);
  }

  async replSet(count: 1 | 3): Promise<MongoMemoryReplSet> {
    const replSet = await MongoMemoryReplSet.create({
      binary: { systemBinary: resolveMongodBinary({ explicit: process.env.MONGOMS_SYSTEM_BINARY, path: process.env.PATH }), version: EMBEDDED_MONGODB_VERSION },
      replSet: { count, name: 'chaos', storageEngine: 'wiredTiger' },
    });
    await replSet.waitUntilRunning();
    this.sets.push(replSet);
    return replSet;
  }

  /**
   * The test suite's cluster (tests/support/sharded-cluster.mjs: a config server, shards `shA` and
   * `shB`, a router), with MongoDB's transaction lifetime. Its nodes allow fail points
   * (enableTestCommands), which a scenario may use to hold a commit at a chosen step. The plain-JS
   * module stays in tests/ (the build does not copy it to dist/), so it is loaded from there.
   */
  async shardedCluster(): Promise<ShardedCluster> {
    const module = (await import(new URL('../../tests/support/sharded-cluster.mjs', import.meta.url).href)) as typeof import('../tests/support/sharded-cluster.mjs');
    const binary = resolveMongodBinary({ explicit: process.env.MONGOMS_SYSTEM_BINARY, path: process.env.PATH });
    const cluster = await module.startShardedCluster({ binary, mongos: module.mongosOnPath(), transactionLifetimeLimitSeconds: 60 });
    this.clusters.push(cluster);
    return cluster;
  }

  async stopAll(): Promise<void> {
    live.delete(this);
    for (const set of this.sets.splice(0)) await set.stop({ doCleanup: true, force: true }).catch(() => {});
    for (const cluster of this.clusters.splice(0)) await cluster.stop().catch(() => {});
  }
}

/** A service process and where it answers. */
export interface Service {
  process: ServiceProcess;
  url: string;
  name: string;
}

/** Real service processes from the build, with default settings, killed by `stopAll`. */
export class Services {
  private readonly running: ServiceProcess[] = [];

  constructor() {
    live.add(this);
  }

  async games(mongoUri: string, port: number, env: Record<string, string> = {}): Promise<Service> {
    return this.start('games/src/main.js', 'Games', { GAMES_MONGODB_URI: mongoUri, GAMES_PORT: String(port), GAMES_API_TOKEN: GAMES_TOKEN, ...env });
  }

  async rgs(mongoUri: string, gamesPort: number, env: Record<string, string> = {}): Promise<Service> {
    return this.start('rgs/src/main.js', 'RGS', {
      RGS_MONGODB_URI: mongoUri,
      RGS_PORT: String(await freePort()),
      RGS_API_TOKEN: RGS_TOKEN,
      GAMES_URL: `http://127.0.0.1:${gamesPort}`,
      GAMES_API_TOKEN: GAMES_TOKEN,
      ...env,
    });
  }

  async stopAll(): Promise<void> {
    live.delete(this);
    for (const child of this.running.splice(0)) {
      if (process.env.CHAOS_DIAG) printDiagnosis(child);
      await child.kill9().catch(() => {});
    }
  }

  private async start(entry: string, label: string, env: Record<string, string>): Promise<Service> {
    const child = startServiceProcess(entry, { LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env });
    this.running.push(child);
    const banner = new RegExp(`${label} GraphiQL\\s+(http://\\S+)/graphql`);
    const url = await waitFor(`${label} start-up`, async () => banner.exec(child.output())?.[1], Boolean, 60_000, 50).catch((err: Error) => {
      throw new Error(`${err.message}\n${child.output()}`);
    });
    return { process: child, url: url!, name: `${label.toLowerCase()}-${child.child.pid}` };
  }
}

/** CHAOS_DIAG: the last words of a service that exited by itself (a crash), and every error it logged. */
function printDiagnosis(child: ServiceProcess): void {
  if (child.child.exitCode !== null) console.error(`service ${child.child.pid} exited ${child.child.exitCode}:\n${child.output().slice(-4_000)}`);
  const errors = child.output().split('\n').filter((line) => /"level":"(error|fatal)"/.test(line));
  if (errors.length > 0) console.error(`service ${child.child.pid} logged ${errors.length} errors:\n${errors.slice(-10).join('\n').slice(-6_000)}`);
}

/** POSTs a GraphQL document; throws on GraphQL errors. */
export async function gql<T>(service: Service, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** A connection of the chaos runner itself, for seeding and for checking what was lost or doubled. */
export async function connect(uri: string): Promise<{ client: MongoClient; db: Db }> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 30_000 });
  return { client, db: client.db() };
}

/** Active USD game tables in Games, written straight to the collection (no versions needed). */
export async function seedGamesTables(games: Db, count: number): Promise<ObjectId[]> {
  const now = new Date();
  const docs = Array.from({ length: count }, (_, i) => ({ _id: new ObjectId(), name: `Chaos table ${i + 1}`, currency: 'USD', active: true, archivedAt: null, createdAt: now, updatedAt: now }));
  for (let i = 0; i < docs.length; i += 5_000) await games.collection('gametables').insertMany(docs.slice(i, i + 5_000));
  return docs.map((doc) => doc._id);
}

/**
 * One RGS environment requiring EUR with `servers` servers sharing `boIds` as USD tables without
 * traffic (to be deleted, i.e. archived in Games), besides EUR tables that stay.
 */
export async function seedRgsEnvironment(rgs: Db, boIds: ObjectId[], servers: number): Promise<string> {
  const environmentId = new ObjectId();
  const now = new Date();
  await rgs.collection('environments').insertOne({ _id: environmentId, name: `chaos-${environmentId.toHexString()}`, requiredCurrencies: ['EUR'], createdAt: now, updatedAt: now });
  const perServer = Math.ceil(boIds.length / servers);
  for (let s = 0; s < servers; s += 1) {
    const serverId = new ObjectId();
    await rgs.collection('servers').insertOne({ _id: serverId, environmentId, name: `server-${s + 1}`, active: true, createdAt: now, updatedAt: now });
    const table = (boId: ObjectId, currency: string, i: number) => ({ _id: new ObjectId(), serverId, boId, name: `Table ${i + 1}`, currency, active: true, archivedAt: null, createdAt: now, updatedAt: now });
    const candidates = boIds.slice(s * perServer, (s + 1) * perServer).map((boId, i) => table(boId, 'USD', i));
    // Kept EUR tables, half as many: the run touches two thirds of the tables, below CLEANUP_MAX_SHARE
    // (0.75), so it runs without waiting for approval.
    const kept = Array.from({ length: Math.ceil(candidates.length / 2) }, (_, i) => table(new ObjectId(), 'EUR', candidates.length + i));
    if (candidates.length > 0) await rgs.collection('gametables').insertMany([...candidates, ...kept]);
  }
  return environmentId.toHexString();
}

/**
 * Lost and doubled among `boIds`: a table Games never archived is lost; one with more than one
 * archive version, or sent in more than one dispatch, is doubled.
 */
export async function lostAndDoubled(games: Db, rgs: Db, boIds: ObjectId[]): Promise<{ lost: number; doubled: number }> {
  const archived = await games.collection('gametables').countDocuments({ _id: { $in: boIds }, active: false });
  const versions = await games
    .collection('gametableversions')
    .aggregate<{ n: number }>([{ $match: { gameTableId: { $in: boIds }, event: 'update' } }, { $group: { _id: '$gameTableId', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])
    .toArray();
  const sentTwice = await rgs
    .collection('dispatches')
    .aggregate<{ n: number }>([{ $unwind: '$boIds' }, { $match: { boIds: { $in: boIds } } }, { $group: { _id: '$boIds', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])
    .toArray();
  return { lost: boIds.length - archived, doubled: versions.length + sentTwice.length };
}

export const START_CLEANUP = `mutation Start($environmentId: ID) { startCleanup(environmentId: $environmentId) { id } }`;
export const RUN = `query Run($id: ID!) { cleanupRun(id: $id) { status serversDone serversTotal stalled errors dispatches { status } } }`;

export interface RunView {
  status: string;
  serversDone: number;
  serversTotal: number;
  stalled: boolean;
  errors: string[];
  dispatches: Array<{ status: string }>;
}

export async function runView(rgs: Service, runId: string): Promise<RunView> {
  return (await gql<{ cleanupRun: RunView }>(rgs, RGS_TOKEN, RUN, { id: runId })).cleanupRun;
}

export const finishedAndSent = (run: RunView) => run.status === 'COMPLETED' && run.dispatches.every((d) => d.status === 'SENT');

/**
 * Waits until the Games operation of every SENT dispatch of the run is DEFERRED, each by its id: a
 * count of DEFERRED operations can be reached early when a failover leaves an extra operation. A
 * FAILED operation never becomes DEFERRED, so the wait ends there with an error.
 */
export async function sentOperationsDeferred(games: Db, rgs: Db, runId: string, timeoutMs: number): Promise<void> {
  const dispatches = await rgs.collection('dispatches').find({ runId: new ObjectId(runId), status: 'SENT' }, { projection: { gamesOperationId: 1 } }).toArray();
  const ids = dispatches.map((d) => new ObjectId(String(d.gamesOperationId)));
  const count = (status: string) => games.collection('asyncoperations').countDocuments({ _id: { $in: ids }, status });
  try {
    const states = await waitFor('the operation of every SENT dispatch DEFERRED', async () => ({ deferred: await count('DEFERRED'), failed: await count('FAILED') }), (n) => n.deferred === ids.length || n.failed > 0, timeoutMs, 250);
    if (states.failed > 0) throw new Error(`${states.failed} operation(s) of SENT dispatches FAILED`);
  } catch (err) {
    if (process.env.CHAOS_DIAG) {
      const stuck = await games.collection('asyncoperations').find({ _id: { $in: ids }, status: { $ne: 'DEFERRED' } }, { projection: { succeededIds: 0 } }).toArray();
      console.error(`operations of SENT dispatches not DEFERRED: ${JSON.stringify(stuck)}`);
    }
    throw err;
  }
}

/** Every Games operation finished (DEFERRED), waited for through the database. */
export async function allOperationsDeferred(games: Db, expected: number, timeoutMs: number): Promise<void> {
  await waitFor('every Games operation DEFERRED', () => games.collection('asyncoperations').countDocuments({ status: 'DEFERRED' }), (n) => n >= expected, timeoutMs, 250);
}

/** What each scenario gets: its trial number; it starts and stops everything it uses. */
export interface Scenario {
  name: string;
  target: string;
  run(trial: number): Promise<Trial>;
}

/** Runs `body` with fresh MongoDB and service fixtures, always cleaned up. */
export async function withFixtures<T>(body: (mongo: Mongo, services: Services) => Promise<T>): Promise<T> {
  const mongo = new Mongo();
  const services = new Services();
  try {
    return await body(mongo, services);
  } finally {
    await services.stopAll();
    await mongo.stopAll();
  }
}

/** A report row of `scenario`'s trial. */
export const trialOf = (scenario: Scenario, trial: number, fields: Omit<Trial, 'scenario' | 'trial' | 'target'>): Trial => ({
  scenario: scenario.name,
  trial,
  target: scenario.target,
  ...fields,
});

/** Creates `count` operations of `size` ids each through the Games API. */
export async function receiveOperations(games: Service, db: Db, count: number, size: number): Promise<{ ids: ObjectId[]; operationIds: string[] }> {
  const ids = await seedGamesTables(db, count * size);
  const operationIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const slice = ids.slice(i * size, (i + 1) * size).map(String);
    const data = await gql<{ cleanupGameTables: { id: string } }>(games, GAMES_TOKEN, `mutation($ids: [ID!]!) { cleanupGameTables(ids: $ids, actionType: ARCHIVE, archivedAt: "2026-11-25T11:11:11.000Z") { id } }`, { ids: slice });
    operationIds.push(data.cleanupGameTables.id);
  }
  return { ids, operationIds };
}

/** Among `ids`: tables Games never archived (lost), tables with more than one archive version (doubled), and the most attempts of an operation. */
export async function gamesLostAndDoubled(db: Db, ids: ObjectId[]): Promise<{ lost: number; doubled: number; maxAttempts: number }> {
  const archived = await db.collection('gametables').countDocuments({ _id: { $in: ids }, active: false });
  const doubled = await db
    .collection('gametableversions')
    .aggregate([{ $match: { gameTableId: { $in: ids }, event: 'update' } }, { $group: { _id: '$gameTableId', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])
    .toArray();
  const [attempts] = await db.collection('asyncoperations').aggregate<{ max: number }>([{ $group: { _id: null, max: { $max: '$attempts' } } }]).toArray();
  return { lost: ids.length - archived, doubled: doubled.length, maxAttempts: attempts?.max ?? 0 };
}
