import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Types, type Connection } from 'mongoose';
import { createLogger, type Logger } from '../shared/src/logger.js';
import { connectMongo, ensureCollections } from '../shared/src/mongo/connect.js';
import { startEmbeddedMongo } from '../shared/src/mongo/embedded-mongo.js';
import { resolveMongodBinary } from '../shared/src/mongo/mongod-binary.js';
import { withTransaction, transactionRunner } from '../shared/src/mongo/with-transaction.js';
import { registerGamesModels, type GamesModels } from '../games/src/data-access/games-models.js';
import { changedBy } from '../games/src/data-access/version-history.plugin.js';
import { ArchiveOperationService } from '../games/src/domain/archive-operation.service.js';
import { CleanupAction, OperationStatus } from '../games/src/domain/cleanup-action.js';
import { agendashAtHistory, wholeRun, type WholeRunResult } from './whole-run.js';
import { shardedTopology, startBenchCluster } from './sharded-whole-run.js';
import { median } from './median.js';
import { BACKLOG_LOCK_MS, backlogRun } from './backlog.js';

/**
 * `npm run bench`: the archive worker's throughput as ratios measured in one run, on one embedded
 * replica set, against (a) the same operation hand-written on the raw `mongodb` driver (the same
 * reads and writes: one updateMany and one insertMany per batch, in one transaction, no mongoose
 * and no middleware) and (b) a naive per-document `findById` + `save()` loop in one transaction. Targets: worker ≥ 0.5× raw driver, worker ≥ 5× naive.
 * BENCH_TABLES (default 500, one full request) and BENCH_ROUNDS (default 5) tune it.
 */
const TABLES = Number(process.env.BENCH_TABLES ?? 500);
/** The bench stops by itself after this long (a 2-core machine included), in milliseconds. */
const TIME_LIMIT_MS = 14 * 60_000;
/**
 * `--sharded`: the whole run on the replica set, then on a local 2-shard cluster, side by side
 * (`shardedScenario`); nothing else.
 */
const SHARDED = process.argv.includes('--sharded');
/** `BENCH_SCENARIOS`: `per-operation,whole-run,agendash` by default (`sharded` with `--sharded`); `--backlog` adds `backlog`. */
const SCENARIOS = [...(process.env.BENCH_SCENARIOS ?? (SHARDED ? 'sharded' : 'per-operation,whole-run,agendash')).split(','), ...(process.argv.includes('--backlog') ? ['backlog'] : [])];
/** `BENCH_RUN_TABLES` (default 10000,100000; 100000 with `--sharded`), plus 1,000,000 with `--million`. */
const WHOLE_RUN_SIZES = [...(process.env.BENCH_RUN_TABLES ?? (SHARDED ? '100000' : '10000,100000')).split(',').map(Number), ...(process.argv.includes('--million') ? [1_000_000] : [])];
/** Through a router (item 3 of issue 27): a job's wake-up, request to worker and chain hand-off, p50. */
const SHARDED_WAKE_UP_TARGET_MS = 200;
const AGENDASH_FINISHED = 200_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 100;
const ARCHIVED_AT = new Date('2026-11-25T11:11:11.000Z');

type Contender = (models: GamesModels, conn: Connection, ids: Types.ObjectId[], operationId: Types.ObjectId) => Promise<void>;

const worker = (archiver: ArchiveOperationService): Contender => async (_models, _conn, _ids, operationId) => {
  const op = await archiver.run(operationId);
  if (op.status !== OperationStatus.DEFERRED) throw new Error(`worker ended ${op.status}`);
};

/**
 * The same operation written by hand on the raw driver: claim the operation, read its message and
 * the tables' tracked fields, then per batch one updateMany and one insertMany of versions, in one
 * transaction, and record the outcome. No mongoose, no middleware.
 */
const rawDriver: Contender = async (_models, conn, _ids, operationId) => {
  const db = conn.db!;
  const operations = db.collection('asyncoperations');
  const op = await operations.findOneAndUpdate(
    { _id: operationId, status: 'RECEIVED' },
    { $set: { status: 'IN_PROGRESS', startedAt: new Date() }, $inc: { attempts: 1 } },
    { returnDocument: 'after' },
  );
  const message = await db.collection('integrationmessages').findOne({ _id: op!.messageId }, { projection: { gameTableIds: 1, archivedAt: 1 } });
  const ids = message!.gameTableIds as Types.ObjectId[];
  const tables = db.collection('gametables');
  const versions = db.collection('gametableversions');
  await withTransaction(conn, async (session) => {
    const found = await tables.find({ _id: { $in: ids } }, { projection: { name: 1, currency: 1, active: 1, archivedAt: 1 }, session }).toArray();
    const active = found.filter((t) => t.active);
    for (let i = 0; i < active.length; i += BATCH) {
      const batch = active.slice(i, i + BATCH);
      const now = new Date();
      await tables.updateMany({ _id: { $in: batch.map((t) => t._id) } }, { $set: { active: false, archivedAt: ARCHIVED_AT, updatedAt: now } }, { session });
      await versions.insertMany(
        batch.map((t) => ({ gameTableId: t._id, event: 'update', changes: { active: [true, false], archivedAt: [t.archivedAt, ARCHIVED_AT] }, operationId, createdAt: now })),
        { session },
      );
    }
  });
  await operations.updateOne(
    { _id: operationId, status: 'IN_PROGRESS', attempts: op!.attempts },
    { $set: { status: 'DEFERRED', succeededIds: ids, failures: [], processedCount: ids.length, finishedAt: new Date() } },
  );
};

const naiveLoop: Contender = async (models, conn, ids, operationId) => {
  await withTransaction(conn, async (session) => {
    for (const id of ids) {
      const table = await models.GameTable.findById(id).session(session);
      if (!table) continue;
      table.set({ active: false, archivedAt: ARCHIVED_AT });
      changedBy(table, operationId);
      await table.save({ session });
    }
  });
};

async function prepare(models: GamesModels): Promise<{ ids: Types.ObjectId[]; operationId: Types.ObjectId }> {
  const now = new Date();
  const docs = Array.from({ length: TABLES }, (_, i) => ({ _id: new Types.ObjectId(), name: `Bench ${i}`, currency: 'EUR', active: true, archivedAt: null, createdAt: now, updatedAt: now }));
  await models.GameTable.collection.insertMany(docs);
  const ids = docs.map((d) => d._id);
  const message = await models.IntegrationMessage.create({ gameTableIds: ids, actionType: CleanupAction.DELETE, archivedAt: ARCHIVED_AT, async: true });
  const op = await models.AsyncOperation.create({
    messageId: message._id, status: OperationStatus.RECEIVED, actionType: CleanupAction.DELETE, archivedAt: ARCHIVED_AT, async: true, requestedCount: TABLES,
  });
  return { ids, operationId: op._id };
}

/** The per-operation scenario; true when its targets hold. */
async function perOperation(conn: Connection, logger: Logger): Promise<boolean> {
  const models = registerGamesModels(conn);
  await ensureCollections(conn);
  const archiver = new ArchiveOperationService({ models, withTransaction: transactionRunner(conn), logger, options: { batchSize: BATCH, batchPauseMs: 0 } });
  const contenders: Record<string, Contender> = { worker: worker(archiver), rawDriver, naiveLoop };
  const timings: Record<string, number[]> = { worker: [], rawDriver: [], naiveLoop: [] };

  // Interleaved rounds (plus one warm-up) so drift on a busy machine hits every contender alike.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const { ids, operationId } = await prepare(models);
      const started = performance.now();
      await run(models, conn, ids, operationId);
      const elapsed = performance.now() - started;
      if (round > 0) timings[name]!.push(elapsed);
    }
  }

  const m = Object.fromEntries(Object.entries(timings).map(([name, xs]) => [name, median(xs)])) as Record<string, number>;
  const perSecond = (ms: number) => Math.round((TABLES / ms) * 1000);
  console.log(`\nArchive ${TABLES} tables (batches of ${BATCH}), median of ${ROUNDS} rounds:`);
  for (const [name, ms] of Object.entries(m)) console.log(`  ${name.padEnd(10)} ${ms.toFixed(1).padStart(8)} ms  ${String(perSecond(ms)).padStart(7)} tables/s`);
  const vsRaw = m.rawDriver! / m.worker!;
  const vsNaive = m.naiveLoop! / m.worker!;
  console.log(`\n  worker vs raw driver: ${vsRaw.toFixed(2)}x throughput (target >= 0.8x) ${vsRaw >= 0.8 ? 'OK' : 'BELOW TARGET'}`);
  console.log(`  worker vs naive loop: ${vsNaive.toFixed(2)}x faster    (target >= 5x)   ${vsNaive >= 5 ? 'OK' : 'BELOW TARGET'}\n`);
  return vsRaw >= 0.8 && vsNaive >= 5;
}

async function main(): Promise<void> {
  const deadline = Date.now() + TIME_LIMIT_MS;
  const logger = createLogger({ name: 'bench', level: 'warn' });
  const mongo = await startEmbeddedMongo({ binary: mongodBinary() });
  const conn = await connectMongo(mongo.uri('bench'), logger);
  try {
    const results: boolean[] = [];
    if (SCENARIOS.includes('per-operation')) results.push(await perOperation(conn, logger));
    if (SCENARIOS.includes('whole-run')) results.push(await wholeRunScenario(conn, mongo.uri, deadline));
    if (SCENARIOS.includes('agendash')) results.push(await agendashScenario(conn, mongo.uri, deadline));
    if (SCENARIOS.includes('backlog')) results.push(await backlogScenario(conn, mongo.uri, deadline));
    if (SCENARIOS.includes('sharded')) results.push(await shardedScenario(conn, mongo.uri, deadline, logger));
    process.exitCode = results.every(Boolean) ? 0 : 1;
  } finally {
    await conn.close();
    await mongo.stop();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printWholeRunHeader(): void {
  console.log('  tables     | candidates | kickoff | RGS done | all sent | Games done | tables/s | raw     | raw ÷ project | aborted txns (raw) | CPU s mongod, games (api+worker)+rgs (raw) | peak RSS games (api/worker)/rgs | hand-off p50 (n) | server gap p50 | req→worker p50 (free slot) | max PENDING | correct');
}

/** One whole run's row under `printWholeRunHeader`; `label` names the run (its size, its topology). */
function printWholeRunRow(label: string, tables: number, r: WholeRunResult): void {
  console.log(
    `  ${label.padEnd(10)} | ${String(r.shape.candidates).padEnd(10)} | ${s(r.phases.kickoffStarted).padEnd(7)} | ${s(r.phases.rgsDone).padEnd(8)} | ${s(r.phases.allSent).padEnd(8)} | ${s(r.phases.gamesDone).padEnd(10)} | ${String(Math.round((tables / r.phases.gamesDone) * 1000)).padEnd(8)} | ${s(r.rawMs).padEnd(7)} | ${r.ratio.toFixed(2).padEnd(13)} | ${`${pct(r.aborted.project.share)} of ${r.aborted.project.started} (${pct(r.aborted.raw.share)})`.padEnd(18)} | ${`${s(r.aborted.project.mongodCpuMs)}, ${[r.cpuMs.games, r.cpuMs.gamesWorker, r.cpuMs.rgs].filter((x) => x !== undefined).map((x) => s(x!)).join('+')} (${s(r.aborted.raw.mongodCpuMs)}, ${s(r.cpuMs.raw)})`.padEnd(29)} | ${`${[r.peakRssMb.games, r.peakRssMb.gamesWorker, r.peakRssMb.rgs].filter((x) => x !== undefined).join('/')} MB`.padEnd(18)} | ${`≤ ${r.chainHandOff.p50AtMostMs} ms (${r.chainHandOff.count})`.padEnd(16)} | ${`${r.serverGapP50} ms`.padEnd(14)} | ${`${r.requestToWorkerP50} ms (${r.requestToFreeWorkerP50} ms)`.padEnd(16)} | ${`${r.maxPendingMs} ms`.padEnd(11)} | ${r.correct ? 'yes' : 'NO'}`,
  );
}

/** The whole-run scenario at each size; true when the targets hold. */
async function wholeRunScenario(conn: Connection, uri: (db: string) => string, deadline: number): Promise<boolean> {
  const rows: Array<[number, WholeRunResult]> = [];
  console.log('\nWhole run through both services (pauses 0) vs the raw-driver script, same data, same run (each size printed when done):');
  printWholeRunHeader();
  let ok = true;
  for (const tables of WHOLE_RUN_SIZES) {
    const r = await wholeRun(conn, uri, tables, deadline);
    rows.push([tables, r]);
    printWholeRunRow(tables.toLocaleString('en'), tables, r);
    if (process.env.BENCH_DIAG) console.log(`    mongod's work, project: ${JSON.stringify(r.aborted.project.work)}\n    mongod's work, raw: ${JSON.stringify(r.aborted.raw.work)}`);
    const target = tables >= 1_000_000 ? r.ratio >= 0.9 : tables >= 100_000 ? r.ratio >= 0.5 : r.phases.gamesDone - r.rawMs <= 5_000;
    const checks = {
      [tables >= 1_000_000 ? 'ratio >= 0.9' : tables >= 100_000 ? 'ratio >= 0.5' : 'within 5 s of raw']: target,
      'aborted < 5%': r.aborted.project.share < 0.05,
      'hand-off p50 <= 100 ms': r.chainHandOff.count > 0 && r.chainHandOff.p50AtMostMs <= 100,
      'req->worker p50 <= 100 ms': r.requestToWorkerP50 <= 100,
      'max PENDING <= 1 s': r.maxPendingMs <= 1_000,
      'nothing lost or doubled': r.correct,
    };
    ok &&= reportTargets(checks);
  }
  const big = rows.find(([t]) => t === 1_000_000)?.[1];
  const mid = rows.find(([t]) => t === 100_000)?.[1];
  if (big && mid) {
    const growth = Math.max(big.peakRssMb.games / mid.peakRssMb.games, big.peakRssMb.rgs / mid.peakRssMb.rgs, (big.peakRssMb.gamesWorker ?? 0) / (mid.peakRssMb.gamesWorker ?? 1));
    console.log(`  peak RSS 1M ÷ 100k: ${growth.toFixed(2)}x (target <= 1.5x) ${growth <= 1.5 ? 'OK' : 'BELOW TARGET'}`);
    ok &&= growth <= 1.5;
  }
  return ok;
}

/** Prints the checks of one run on one line; true when all hold. */
function reportTargets(checks: Record<string, boolean>): boolean {
  const failed = Object.entries(checks).filter(([, pass]) => !pass).map(([name]) => name);
  console.log(`    targets: ${failed.length === 0 ? 'all OK' : `BELOW TARGET: ${failed.join(', ')}`}`);
  return failed.length === 0;
}

/**
 * `--sharded`: at each size, the whole run on the replica set, then on a local 2-shard cluster (the
 * test harness's, started here and stopped after), printed one under the other. The cluster's run
 * checks nothing lost or doubled, data on both shards, at least one two-phase commit, and the
 * wake-ups' p50s through the router (`SHARDED_WAKE_UP_TARGET_MS`); true when all hold.
 */
async function shardedScenario(conn: Connection, uri: (db: string) => string, deadline: number, logger: Logger): Promise<boolean> {
  const onReplicaSet: WholeRunResult[] = [];
  for (const tables of WHOLE_RUN_SIZES) onReplicaSet.push(await wholeRun(conn, uri, tables, deadline));
  const cluster = await startBenchCluster(mongodBinary());
  const routed = await connectMongo(`${cluster.uri}bench`, logger);
  let ok = true;
  try {
    console.log(`\nWhole run on one replica set, then on 2 shards through ${cluster.embeddedRouter ? "the config server's embedded router" : 'mongos'} (same machine, same invocation):`);
    printWholeRunHeader();
    for (const [i, tables] of WHOLE_RUN_SIZES.entries()) {
      const rs = onReplicaSet[i]!;
      const r = await wholeRun(routed, (db) => `${cluster.uri}${db}`, tables, deadline, shardedTopology(cluster));
      printWholeRunRow(`${tables.toLocaleString('en')} RS`, tables, rs);
      printWholeRunRow(`${tables.toLocaleString('en')} sh`, tables, r);
      const perSecond = (x: WholeRunResult) => Math.round((tables / x.phases.gamesDone) * 1000);
      console.log(`    throughput: ${perSecond(r)} tables/s sharded, ${perSecond(rs)} on the replica set (${(perSecond(r) / perSecond(rs)).toFixed(2)}x); two-phase commits: ${r.aborted.project.twoPhaseCommits}`);
      // In the run, req->worker also holds the wait for a busy worker slot: the cluster's throughput.
      console.log(`    wake-up (request → worker, one request at a time on idle services) p50: ${r.idleRequestToWorkerP50} ms sharded, ${rs.idleRequestToWorkerP50} ms on the replica set; in the run: ${r.requestToWorkerP50} ms, ${rs.requestToWorkerP50} ms`);
      ok &&= reportTargets({
        'nothing lost or doubled': r.correct,
        ...r.topologyChecks,
        'a two-phase commit': r.aborted.project.twoPhaseCommits >= 1,
        [`hand-off p50 <= ${SHARDED_WAKE_UP_TARGET_MS} ms`]: r.chainHandOff.count > 0 && r.chainHandOff.p50AtMostMs <= SHARDED_WAKE_UP_TARGET_MS,
        [`idle req->worker p50 <= ${SHARDED_WAKE_UP_TARGET_MS} ms`]: r.idleRequestToWorkerP50 <= SHARDED_WAKE_UP_TARGET_MS,
      });
    }
  } finally {
    await routed.close();
    await cluster.stop();
  }
  return ok;
}

/** The mongod the bench runs (`npm run setup:mongod` installs it). */
function mongodBinary(): string {
  return resolveMongodBinary({ explicit: process.env.MONGOMS_SYSTEM_BINARY, path: process.env.PATH });
}

/** Agendash's job list at 200,000 finished operations; true when it stays fast. */
async function agendashScenario(conn: Connection, uri: (db: string) => string, deadline: number): Promise<boolean> {
  const dash = await agendashAtHistory(conn, uri, AGENDASH_FINISHED, deadline);
  console.log(`\nAgendash job list (GET /dash/api, median of 5) with ${AGENDASH_FINISHED.toLocaleString('en')} finished operations:`);
  console.log(`  with no finished job (${dash.jobsLeft} worker jobs): ${dash.live.toFixed(0)} ms (target <= 200 ms) ${dash.live <= 200 ? 'OK' : 'BELOW TARGET'}`);
  console.log(`  with one finished job per operation, all within JOB_HISTORY_HOURS: ${dash.withHistory.toFixed(0)} ms; after one retention pass (JOB_HISTORY_MAX per name): ${dash.afterRetention.toFixed(0)} ms (target <= 200 ms) ${dash.afterRetention <= 200 ? 'OK' : 'BELOW TARGET'}\n`);
  return dash.live <= 200 && dash.afterRetention <= 200;
}

/** Games under issue 27's load; true when every operation was attempted once. */
async function backlogScenario(conn: Connection, uri: (db: string) => string, deadline: number): Promise<boolean> {
  const r = await backlogRun(conn, uri, deadline);
  const once = r.operations > 0 && r.attempts['1'] === r.operations;
  // Only a queue that outlived the locks could have run an operation twice.
  const tested = r.queueWait.beyondLock > 0;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\nGames under a backlog (API + worker processes, ${process.env.BENCH_BACKLOG_CONNECTIONS ?? 50} connections for ${process.env.BENCH_BACKLOG_SECONDS ?? 20} s, async requests of 100 ids, ${s(BACKLOG_LOCK_MS)} locks):`);
  console.log(`  requests: ${r.requests.ok} answered, ${r.requests.failed} failed${r.repeatedIds ? ' (ids repeated: the seeded tables ran out)' : ''}`);
  console.log(`  operations queued: ${r.operations}; queue wait p50 ${s(r.queueWait.p50)}, p95 ${s(r.queueWait.p95)}; ${r.queueWait.beyondLock} waited longer than a lock lifetime`);
  console.log(`  drained ${s(r.drainedMs)} after the first request: ${r.perSecond.toFixed(1)} operations/s`);
  console.log(`  attempts per operation: ${Object.entries(r.attempts).map(([n, count]) => `${n}: ${count}`).join(', ')}; stale attempts logged ${r.staleAttempts}, locks lost ${r.lostLocks}`);
  const verdict = !once ? 'BELOW TARGET' : tested ? 'OK' : 'INCONCLUSIVE (no operation waited longer than a lock lifetime: raise BENCH_BACKLOG_SECONDS or lower BENCH_BACKLOG_LOCK_MS)';
  console.log(`  every operation attempted once: ${verdict}\n`);
  return once && tested;
}

const timer = setTimeout(() => {
  console.error('bench: the time limit passed and the bench did not stop; exiting');
  process.exit(2);
}, TIME_LIMIT_MS + 60_000);
timer.unref();
await main();
