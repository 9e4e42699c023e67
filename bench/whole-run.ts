import { setTimeout as sleep } from 'node:timers/promises';
import { Types, type Connection, type mongo } from 'mongoose';
import { loadGamesConfig } from '../games/src/config.js';
import { WORKER_CONCURRENCY } from '../games/src/entry-points/jobs/cleanup-game-tables.worker.js';
import { removeFinishedJobs } from '../shared/src/agenda/finished-jobs.js';
import { freePort } from '../tests/rgs/support/free-port.js';
import { idleRequestToWorkerP50 } from './idle-wake-ups.js';
import { median } from './median.js';
import { BENCH_TOKEN as TOKEN, ServiceProcess, checkDeadline, cpuMsOf, postGraphql } from './service-process.js';
import { rawWholeRun } from './whole-run-raw.js';
import { createServiceIndexes, seedWholeRun, type SeededShape } from './whole-run-seed.js';

type Db = mongo.Db;

const DASH = { user: 'bench', password: 'bench-dash-password' };
/**
 * How often the bench checks whether a run is done. Its queries load the very machine it measures,
 * and the times it prints come from the records (operations' `finishedAt`), not from this poll.
 */
const RUN_POLL_MS = 500;

/** Everything the whole-run scenario prints for one size. */
export interface WholeRunResult {
  shape: SeededShape;
  /** From `startCleanup` to: the kickoff started, RGS finished every server, every dispatch SENT, every Games operation DEFERRED (ms). */
  phases: { kickoffStarted: number; rgsDone: number; allSent: number; gamesDone: number };
  rawMs: number;
  /** Raw time ÷ project time: 1 means as fast as the raw script. */
  ratio: number;
  /** Peak RSS of each process (the Games worker process only with the split topology). */
  peakRssMb: { games: number; gamesWorker?: number; rgs: number };
  /** CPU time of each service process over its whole life (start-up included), and of the raw script, in ms. */
  cpuMs: { games: number; gamesWorker?: number; rgs: number; raw: number };
  aborted: { project: TxnShare; raw: TxnShare };
  /** The chains' hand-off between servers (one recorded done, the next started), from RGS's `rgs_chain_handoff_seconds`: the bucket bound its p50 falls in (ms). */
  chainHandOff: { p50AtMostMs: number; count: number };
  /** p50 of the gap between a server's last slice and the next server's first slice in a chain (ms): the hand-off plus classifying the next server up to its first slice. */
  serverGapP50: number;
  /** p50 of a Games operation's wait from the request to its worker start (ms). */
  requestToWorkerP50: number;
  /** The same p50 over the operations that arrived while their worker process had a free slot: the hand-off alone, without queueing (ms). */
  requestToFreeWorkerP50: number;
  /** Request → worker p50 of requests sent one at a time once the run is over (idle-wake-ups.ts): the wake-up alone. */
  idleRequestToWorkerP50: number;
  /** The longest a dispatch stayed PENDING after its slice committed (ms). */
  maxPendingMs: number;
  correct: boolean;
  /** The topology's own checks of the project's run (`WholeRunTopology.checkRun`), by name. */
  topologyChecks: Record<string, boolean>;
}

/**
 * Where the whole run's databases live, when not on one replica set: `npm run bench -- --sharded`
 * (bench/sharded-whole-run.ts) shards them as docs/deployment.md documents.
 */
export interface WholeRunTopology {
  /** Run on each pair of fresh databases (the project's and the raw script's) before seeding. */
  beforeSeed(rgs: Db, games: Db): Promise<void>;
  /** Run on each pair once seeded, before any service starts. */
  afterSeed(rgs: Db, games: Db): Promise<void>;
  /** Whether RGS keeps boId unique with a unique index (else with claims, docs/decisions/0022). */
  uniqueBoIdIndex: boolean;
  /** The database processes whose CPU time counts as mongod's (a cluster has several). */
  databasePids(): number[];
  /** Checks of the project's databases after its run, before they are dropped, by name. */
  checkRun(rgs: Db, games: Db): Promise<Record<string, boolean>>;
}

export interface TxnShare {
  started: number;
  aborted: number;
  share: number;
  /** CPU time mongod spent meanwhile (ms): what the database did for it, whatever the clock says. */
  mongodCpuMs: number;
  /** What mongod did meanwhile: commands by name, documents read and written, keys scanned (BENCH_DIAG prints it). */
  work: Record<string, number>;
  /** Transactions committed in two phases (a router's count; 0 on a replica set). */
  twoPhaseCommits: number;
}

/**
 * mongod's counters the scenario compares: transactions, its CPU time, and the work it did (commands,
 * documents, keys). Through a router, `serverStatus` is the router's: no storage engine or query
 * counters, but its transactions by commit type; CPU time is then that of `pids`.
 */
async function serverCounters(conn: Connection, pids?: number[]): Promise<ServerCounters> {
  const status = await conn.db!.admin().command({ serverStatus: 1 });
  const work: Record<string, number> = {};
  if (status.metrics?.queryExecutor) {
    work.keysScanned = Number(status.metrics.queryExecutor.scanned);
    work.docsScanned = Number(status.metrics.queryExecutor.scannedObjects);
  }
  for (const [name, value] of Object.entries((status.metrics?.document ?? {}) as Record<string, unknown>)) work[`docs.${name}`] = Number(value);
  // The journal's fsyncs: every w:majority write (and commit) waits for one.
  if (status.wiredTiger) {
    work['journal.syncs'] = Number(status.wiredTiger.log['log sync operations']);
    work['journal.syncMs'] = Math.round(Number(status.wiredTiger.log['log sync time duration (usecs)']) / 1000);
  }
  for (const [name, counts] of Object.entries((status.metrics?.commands ?? {}) as Record<string, { total?: unknown }>)) {
    if (counts?.total !== undefined) work[`commands.${name}`] = Number(counts.total);
  }
  // One-off jobs each service's Agenda finished (and removed): one per Games operation; in RGS one
  // per chain link, and one per dispatcher round a wake-up job started (jobs are mostly upserted,
  // so their removals are what counts them). A router has no `top`.
  const top = await conn.db!.admin().command({ top: 1 }).catch(() => ({ totals: {} }));
  for (const [ns, counts] of Object.entries(top.totals as Record<string, { remove?: { count: number } }>)) {
    if (ns.endsWith('.agendaJobs')) work[`jobsRemoved.${ns.split('.')[0]}`] = Number(counts.remove?.count ?? 0);
  }
  const mongodCpuMs = (pids ?? [Number(status.pid)]).reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  const twoPhaseCommits = Number(status.transactions.commitTypes?.twoPhaseCommit?.successful ?? 0);
  return { started: Number(status.transactions.totalStarted), aborted: Number(status.transactions.totalAborted), twoPhaseCommits, mongodCpuMs, work };
}

interface ServerCounters {
  started: number;
  aborted: number;
  twoPhaseCommits: number;
  mongodCpuMs: number;
  work: Record<string, number>;
}


const share = (before: ServerCounters, after: ServerCounters): TxnShare => {
  const started = after.started - before.started;
  const aborted = after.aborted - before.aborted;
  const work = Object.fromEntries(Object.entries(after.work).map(([name, value]) => [name, value - (before.work[name] ?? 0)]).filter(([, delta]) => delta !== 0));
  const twoPhaseCommits = after.twoPhaseCommits - before.twoPhaseCommits;
  return { started, aborted, share: started === 0 ? 0 : aborted / started, mongodCpuMs: after.mongodCpuMs - before.mongodCpuMs, work, twoPhaseCommits };
};


/**
 * One cleanup through both services (each its own process, pauses at 0) on `tables` seeded RGS
 * tables, to every Games operation DEFERRED; then the raw script on an identical copy, in the same
 * run, on the same mongod (the same cluster, with `topology`).
 */
export async function wholeRun(conn: Connection, uri: (db: string) => string, tables: number, deadline: number, topology?: WholeRunTopology): Promise<WholeRunResult> {
  const client = conn.getClient() as unknown as mongo.MongoClient;
  const names = { rgs: `wr${tables}_rgs`, games: `wr${tables}_games`, rawRgs: `wr${tables}_raw_rgs`, rawGames: `wr${tables}_raw_games` };
  const db = (name: string): Db => client.db(name);
  for (const name of Object.values(names)) await db(name).dropDatabase();
  const copies = [[db(names.rgs), db(names.games)], [db(names.rawRgs), db(names.rawGames)]] as const;
  for (const [rgsDb, gamesDb] of copies) await topology?.beforeSeed(rgsDb, gamesDb);
  const shape = await seedWholeRun(db(names.rgs), db(names.games), tables);
  await seedWholeRun(db(names.rawRgs), db(names.rawGames), tables);
  for (const [rgsDb, gamesDb] of copies) await topology?.afterSeed(rgsDb, gamesDb);
  await createServiceIndexes(db(names.rawRgs), db(names.rawGames), { uniqueBoId: topology?.uniqueBoIdIndex ?? true });
  const pids = topology?.databasePids();

  const gamesPort = await freePort();
  const rgsPort = await freePort();
  const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', DASH_USER: DASH.user, DASH_PASSWORD: DASH.password };
  // Unthrottled, as the raw script: no pause, and one write of up to 500 tables per operation.
  const gamesEnv = { ...common, GAMES_MONGODB_URI: uri(names.games), GAMES_API_TOKEN: TOKEN, CLEANUP_BATCH_PAUSE_MS: '0', CLEANUP_BATCH_SIZE: '500' };
  // The README's production topology: Games' API in one process, its worker in another, so the
  // archive's CPU work never delays a request (BENCH_GAMES_PROCESSES=1: one process does both).
  const split = process.env.BENCH_GAMES_PROCESSES !== '1';
  const games = new ServiceProcess('games/src/main.js', { ...gamesEnv, GAMES_PORT: String(gamesPort), ...(split ? { RUN_JOBS: 'false' } : {}) });
  const gamesWorker = split ? new ServiceProcess('games/src/main.js', { ...gamesEnv, GAMES_PORT: String(await freePort()) }) : null;
  const rgs = new ServiceProcess('rgs/src/main.js', {
    ...common, RGS_PORT: String(rgsPort), RGS_MONGODB_URI: uri(names.rgs), RGS_API_TOKEN: TOKEN, GAMES_URL: `http://127.0.0.1:${gamesPort}`, GAMES_API_TOKEN: TOKEN,
  });
  try {
    const gamesUrl = `http://127.0.0.1:${gamesPort}`;
    const rgsUrl = `http://127.0.0.1:${rgsPort}`;
    await games.waitHealthy(gamesUrl, deadline);
    await gamesWorker?.waitHealthy(`http://127.0.0.1:${gamesWorker.port}`, deadline);
    await rgs.waitHealthy(rgsUrl, deadline);

    // The project: one run through both services.
    const stages = process.env.BENCH_DIAG ? traceOperationStages(db(names.games)) : undefined;
    const dispatchStages = process.env.BENCH_DIAG ? traceDispatchStages(db(names.rgs)) : undefined;
    if (process.env.BENCH_PROFILE) for (const name of [names.rgs, names.games]) await startProfiling(db(name));
    const txBefore = await serverCounters(conn, pids);
    const mongodPid = process.env.BENCH_DIAG ? Number((await conn.db!.admin().command({ serverStatus: 1 })).pid) : 0;
    const cpu = process.env.BENCH_DIAG
      ? sampleCpu({ mongod: () => cpuMsOf(mongodPid), api: () => games.cpuMs(), worker: () => gamesWorker?.cpuMs() ?? 0, rgs: () => rgs.cpuMs() })
      : undefined;
    const requestedAt = Date.now();
    const res = await postGraphql(rgsUrl, 'mutation { startCleanup { id } }');
    const body = (await res.json()) as { data?: { startCleanup: { id: string } }; errors?: unknown };
    if (!body.data) throw new Error(`startCleanup failed: ${JSON.stringify(body.errors)}`);
    const runId = new Types.ObjectId(body.data.startCleanup.id);
    for (;;) {
      checkDeadline(deadline);
      const run = await db(names.rgs).collection('cleanupruns').findOne({ _id: runId });
      if (run?.status === 'FAILED') throw new Error(`run FAILED: ${JSON.stringify(run.failures)}`);
      if (run?.status === 'COMPLETED') {
        const dispatches = await db(names.rgs).collection('dispatches').countDocuments({ runId });
        const unsent = await db(names.rgs).collection('dispatches').countDocuments({ runId, status: { $ne: 'SENT' } });
        const deferred = await db(names.games).collection('asyncoperations').countDocuments({ status: 'DEFERRED' });
        if (unsent === 0 && deferred === dispatches) break;
      }
      await sleep(RUN_POLL_MS);
    }
    if (cpu) console.log(`    CPU (ms) per 250 ms, the first 10 s: ${cpu.stop()}`);
    const txProject = share(txBefore, await serverCounters(conn, pids));
    const topologyChecks = (await topology?.checkRun(db(names.rgs), db(names.games))) ?? {};
    const peakRssMb = { games: games.peakRssMb(), rgs: rgs.peakRssMb(), ...(gamesWorker ? { gamesWorker: gamesWorker.peakRssMb() } : {}) };
    const chainHandOff = histogramP50(await (await fetch(`${rgsUrl}/metrics`)).text(), 'rgs_chain_handoff_seconds');
    const cpuMs = { games: games.cpuMs(), rgs: rgs.cpuMs(), ...(gamesWorker ? { gamesWorker: gamesWorker.cpuMs() } : {}) };

    const run = (await db(names.rgs).collection('cleanupruns').findOne({ _id: runId }))!;
    const dispatches = await db(names.rgs).collection('dispatches').find({ runId }, { projection: { serverId: 1, boIds: 1, createdAt: 1, sentAt: 1 } }).sort({ _id: 1 }).toArray();
    const operations = await db(names.games).collection('asyncoperations').find({}, { projection: { createdAt: 1, startedAt: 1, finishedAt: 1 } }).toArray();
    const since = (d: Date) => d.getTime() - requestedAt;
    const phases = {
      kickoffStarted: since(run.startedAt),
      rgsDone: since(run.finishedAt),
      allSent: Math.max(0, ...dispatches.map((d) => since(d.sentAt))),
      gamesDone: Math.max(0, ...operations.map((o) => since(o.finishedAt))),
    };

    if (process.env.BENCH_PROFILE) for (const name of [names.rgs, names.games]) console.log(await profileSummary(db(name)));
    if (stages) console.log(`    request→worker by stage, p50 (ms): ${JSON.stringify(await stages.p50s())}`);
    if (process.env.BENCH_DIAG === 'all') {
      const byStart = [...operations].sort((a, b) => a.startedAt - b.startedAt);
      console.log(`    operations by start (ms since startCleanup: started, then running for): ${byStart.map((o) => `${since(o.startedAt)}+${o.finishedAt - o.startedAt}`).join(' ')}`);
    }
    if (process.env.BENCH_DIAG) {
      const pending = dispatches.map((d) => ({ at: since(d.createdAt), ms: d.sentAt.getTime() - d.createdAt.getTime() })).sort((a, b) => a.at - b.at);
      console.log(`    PENDING (ms) by commit time (ms since startCleanup): ${pending.map((p) => `${p.at}:${p.ms}`).join(' ')}`);
      // The longest wait, split: before the call reached Games (its message recorded), and the call's answer.
      const worst = dispatches.reduce((a, b) => (b.sentAt - b.createdAt > a.sentAt - a.createdAt ? b : a));
      const message = await db(names.games).collection('integrationmessages').findOne({ idempotencyKey: String(worst._id) });
      const full = await db(names.rgs).collection('dispatches').findOne({ _id: worst._id });
      console.log(`    longest PENDING: committed ${since(worst.createdAt)} ms, reached Games ${message ? since(message.createdAt) : '?'} ms, SENT ${since(worst.sentAt)} ms, attempts ${full?.attempts}`);
      const { stageP50s, longest } = await dispatchStages!.summary(8, db(names.games));
      console.log(`    PENDING by stage, p50 (ms): ${stageP50s}`);
      console.log(`    the 8 longest PENDING, by stage (ms since startCleanup: committed → claimed → reached Games → SENT): ${longest.map((d) => [d.committed, d.claimed, d.reachedGames, d.sent].map((t) => (t === undefined ? '?' : t - requestedAt)).join('→')).join('  ')}`);
    }

    const idleRequestToWorker = await idleRequestToWorkerP50(gamesUrl, db(names.games), deadline);

    // The raw script, same logical work on the identical copy.
    const rawBefore = await serverCounters(conn, pids);
    const rawStarted = Date.now();
    const benchCpu = process.cpuUsage();
    await rawWholeRun(client, db(names.rawRgs), db(names.rawGames));
    const rawMs = Date.now() - rawStarted;
    const rawCpu = process.cpuUsage(benchCpu);
    const txRaw = share(rawBefore, await serverCounters(conn, pids));

    return {
      shape,
      phases,
      rawMs,
      ratio: rawMs / phases.gamesDone,
      peakRssMb,
      cpuMs: { ...cpuMs, raw: Math.round((rawCpu.user + rawCpu.system) / 1000) },
      aborted: { project: txProject, raw: txRaw },
      chainHandOff,
      serverGapP50: median(handOffGaps(dispatches, await db(names.rgs).collection('servers').find().sort({ _id: 1 }).toArray())),
      requestToWorkerP50: median(operations.map((o) => o.startedAt.getTime() - o.createdAt.getTime())),
      idleRequestToWorkerP50: idleRequestToWorker,
      requestToFreeWorkerP50: median(arrivedWithFreeSlot(operations).map((o) => o.startedAt.getTime() - o.createdAt.getTime())),
      maxPendingMs: Math.max(0, ...dispatches.map((d) => d.sentAt.getTime() - d.createdAt.getTime())),
      correct: await nothingLostOrDoubled(db(names.rgs), db(names.games), shape, dispatches),
      topologyChecks,
    };
  } finally {
    await rgs.stop();
    await games.stop();
    await gamesWorker?.stop();
    for (const name of Object.values(names)) await db(name).dropDatabase();
  }
}

/** BENCH_PROFILE: mongod's profiler records every operation on `db` (in a 1 GB capped collection). */
async function startProfiling(db: Db): Promise<void> {
  await db.command({ profile: 0 });
  await db.collection('system.profile').drop().catch(() => {});
  await db.createCollection('system.profile', { capped: true, size: 1024 ** 3 });
  await db.command({ profile: 2, slowms: 0 });
}

/** BENCH_PROFILE: mongod's CPU and time by collection and command, largest first. */
async function profileSummary(db: Db): Promise<string> {
  await db.command({ profile: 0 });
  const rows = await db
    .collection('system.profile')
    .aggregate([
      { $group: { _id: { ns: '$ns', op: '$op', cmd: { $getField: { field: 'k', input: { $first: { $objectToArray: '$command' } } } } }, n: { $sum: 1 }, cpuMs: { $sum: { $divide: [{ $ifNull: ['$cpuNanos', 0] }, 1e6] } }, ms: { $sum: '$millis' }, docs: { $sum: { $ifNull: ['$docsExamined', 0] } }, keys: { $sum: { $ifNull: ['$keysExamined', 0] } } } },
      { $sort: { cpuMs: -1 } },
    ])
    .toArray();
  const lines = rows.slice(0, 30).map((r) => `      ${r._id.ns} ${r._id.op} ${r._id.cmd ?? ''}: n=${r.n} cpu=${Math.round(r.cpuMs)} ms time=${r.ms} ms docs=${r.docs} keys=${r.keys}`);
  return `    mongod profile of ${db.databaseName}:\n${lines.join('\n')}`;
}

/**
 * BENCH_DIAG: where a Games operation's wait from request to worker goes, from the server's wall
 * clock of each change (change events' `wallTime`): operation created (its `createdAt`, the API's
 * clock) → request committed → worker job inserted →
 * job locked by a worker → its run started (Agenda's save of `lastRunAt`) → operation claimed (IN_PROGRESS).
 */
function traceOperationStages(games: Db): { p50s(): Promise<Record<string, number>> } {
  const at = new Map<string, { createdAt?: number; committed?: number; jobInserted?: number; locked?: number; runStarted?: number; claimed?: number; finished?: number; jobEnded?: number }>();
  const jobOperation = new Map<string, string>();
  const entry = (operationId: string) => at.get(operationId) ?? at.set(operationId, {}).get(operationId)!;
  const stream = games.watch(
    [{ $match: { 'ns.coll': { $in: ['agendaJobs', 'asyncoperations'] }, operationType: { $in: ['insert', 'update'] } } }],
    { showExpandedEvents: false },
  );
  stream.on('change', (change: mongo.Document) => {
    const wall = (change.wallTime as Date).getTime();
    const id = String(change.documentKey._id);
    if (change.ns.coll === 'agendaJobs' && change.operationType === 'insert' && change.fullDocument.name === 'cleanup-game-tables') {
      jobOperation.set(id, change.fullDocument.data.operationId);
      entry(change.fullDocument.data.operationId).jobInserted = wall;
    } else if (change.ns.coll === 'agendaJobs' && change.updateDescription?.updatedFields?.lockedAt && jobOperation.has(id)) {
      entry(jobOperation.get(id)!).locked ??= wall;
    } else if (change.ns.coll === 'agendaJobs' && change.updateDescription?.updatedFields?.lastRunAt && jobOperation.has(id)) {
      entry(jobOperation.get(id)!).runStarted ??= wall;
    } else if (change.ns.coll === 'agendaJobs' && change.updateDescription?.updatedFields?.lastFinishedAt && jobOperation.has(id)) {
      entry(jobOperation.get(id)!).jobEnded ??= wall;
    } else if (change.ns.coll === 'asyncoperations' && change.operationType === 'insert') {
      entry(id).committed = wall;
      entry(id).createdAt = (change.fullDocument.createdAt as Date).getTime();
    } else if (change.ns.coll === 'asyncoperations' && change.updateDescription?.updatedFields?.status === 'IN_PROGRESS') {
      entry(id).claimed ??= wall;
    } else if (change.ns.coll === 'asyncoperations' && change.updateDescription?.updatedFields?.finishedAt) {
      entry(id).finished ??= wall;
    }
  });
  return {
    async p50s() {
      await stream.close();
      const complete = [...at.values()].filter((e) => e.committed && e.jobInserted && e.locked && e.runStarted && e.claimed);
      if (process.env.BENCH_DIAG === 'all') {
        const rows = complete.sort((a, b) => a.committed! - b.committed!).map((e) => `${e.committed! - complete[0]!.committed!}:${e.jobInserted! - e.committed!}/${e.locked! - e.jobInserted!}/${e.runStarted! - e.locked!}/${e.claimed! - e.runStarted!}`);
        console.log(`    request→worker by operation (ms since the first: committed→inserted/locked/run started/claimed): ${rows.join(' ')}`);
      }
      return {
        operations: complete.length,
        createdToCommitted: median(complete.map((e) => e.committed! - e.createdAt!)),
        committedToJobInserted: median(complete.map((e) => e.jobInserted! - e.committed!)),
        jobInsertedToLocked: median(complete.map((e) => e.locked! - e.jobInserted!)),
        lockedToRunStarted: median(complete.map((e) => e.runStarted! - e.locked!)),
        runStartedToClaimed: median(complete.map((e) => e.claimed! - e.runStarted!)),
        // The slot is held until the job's final save: the operation's end to the job's.
        finishedToJobEnded: median(complete.filter((e) => e.finished && e.jobEnded).map((e) => e.jobEnded! - e.finished!)),
      };
    },
  };
}

/**
 * BENCH_DIAG: each dispatch's stages from the server's wall clock: committed (its insert), claimed
 * by a dispatcher lane (its first `attempts` change), SENT; and when its request reached Games (the
 * message's `createdAt`, the API's clock).
 */
function traceDispatchStages(rgs: Db): { summary(n: number, games: Db): Promise<{ stageP50s: string; longest: Array<{ committed?: number; claimed?: number; reachedGames?: number; sent?: number }> }> } {
  const at = new Map<string, { committed?: number; claimed?: number; sent?: number }>();
  const entry = (id: string) => at.get(id) ?? at.set(id, {}).get(id)!;
  const stream = rgs.watch([{ $match: { 'ns.coll': 'dispatches', operationType: { $in: ['insert', 'update'] } } }]);
  stream.on('change', (change: mongo.Document) => {
    const wall = (change.wallTime as Date).getTime();
    const id = String(change.documentKey._id);
    if (change.operationType === 'insert') entry(id).committed = wall;
    else if (change.updateDescription?.updatedFields?.attempts !== undefined) entry(id).claimed ??= wall;
    else if (change.updateDescription?.updatedFields?.status === 'SENT') entry(id).sent = wall;
  });
  return {
    async summary(n, games) {
      await stream.close();
      const messages = await games.collection('integrationmessages').find({}, { projection: { createdAt: 1, idempotencyKey: 1 } }).toArray();
      const reached = new Map(messages.map((m) => [String(m.idempotencyKey), m.createdAt.getTime() as number]));
      const all = [...at.entries()].filter(([, e]) => e.committed && e.sent && e.claimed).map(([id, e]) => ({ ...e, reachedGames: reached.get(id) }));
      const p50 = (f: (e: (typeof all)[number]) => number) => median(all.filter((e) => e.reachedGames).map(f));
      return {
        stageP50s: `committed→claimed ${p50((e) => e.claimed! - e.committed!)}, claimed→reached Games ${p50((e) => e.reachedGames! - e.claimed!)}, reached Games→SENT ${p50((e) => e.sent! - e.reachedGames!)}`,
        longest: all.sort((a, b) => b.sent! - b.committed! - (a.sent! - a.committed!)).slice(0, n),
      };
    },
  };
}

/** BENCH_DIAG: each process's CPU time (ms) per 250 ms from now: who held the cores when a wait grew. */
function sampleCpu(processes: Record<string, () => number>): { stop(): string } {
  const started = Date.now();
  const read = () => Object.values(processes).map((cpuMs) => cpuMs());
  const samples: string[] = [];
  let last = read();
  const timer = setInterval(() => {
    const now = read();
    samples.push(`${Date.now() - started}:${now.map((v, i) => v - last[i]!).join('/')}`);
    last = now;
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return `(${Object.keys(processes).join('/')}) ${samples.slice(0, 40).join(' ')}`;
    },
  };
}

/** The operations that arrived while fewer than WORKER_CONCURRENCY others were being archived. */
function arrivedWithFreeSlot(operations: mongo.Document[]): mongo.Document[] {
  const running = (at: Date) => operations.filter((o) => o.startedAt <= at && at < o.finishedAt).length;
  return operations.filter((o) => running(o.createdAt) < WORKER_CONCURRENCY);
}

/** The upper bound (ms) of the bucket holding a Prometheus histogram's median, and its count. */
function histogramP50(exposition: string, name: string): { p50AtMostMs: number; count: number } {
  const buckets = [...exposition.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\d+)$`, 'gm'))].map((m) => ({ le: Number(m[1]), count: Number(m[2]) }));
  const count = buckets.at(-1)?.count ?? 0;
  const median = buckets.find((b) => b.count >= count / 2);
  return { p50AtMostMs: count === 0 || !median ? 0 : median.le * 1000, count };
}

/** Per environment chain, the gap between the last slice of a server and the first of the next. */
function handOffGaps(dispatches: mongo.Document[], servers: mongo.Document[]): number[] {
  const byServer = new Map<string, { first: number; last: number }>();
  for (const d of dispatches) {
    const key = String(d.serverId);
    const t = d.createdAt.getTime();
    const entry = byServer.get(key) ?? { first: t, last: t };
    byServer.set(key, { first: Math.min(entry.first, t), last: Math.max(entry.last, t) });
  }
  const gaps: number[] = [];
  const chains = new Map<string, Array<{ first: number; last: number }>>();
  for (const server of servers) {
    const span = byServer.get(String(server._id));
    if (!span) continue;
    const chain = chains.get(String(server.environmentId)) ?? [];
    chain.push(span);
    chains.set(String(server.environmentId), chain);
  }
  for (const chain of chains.values()) for (let i = 1; i < chain.length; i++) gaps.push(chain[i]!.first - chain[i - 1]!.last);
  return gaps;
}

/** Every candidate changed once in RGS, sent once, archived once in Games with one version. */
async function nothingLostOrDoubled(rgs: Db, games: Db, shape: SeededShape, dispatches: mongo.Document[]): Promise<boolean> {
  const sent = dispatches.flatMap((d) => d.boIds.map(String));
  const checks = {
    rgsCandidatesLeft: (await rgs.collection('gametables').countDocuments({ currency: 'USD', active: true })) === 0,
    rgsArchived: (await rgs.collection('gametables').countDocuments({ currency: 'USD', active: false })) === shape.withTraffic,
    sentOnce: sent.length === shape.candidates && new Set(sent).size === shape.candidates,
    gamesArchived: (await games.collection('gametables').countDocuments({ active: false })) === shape.candidates,
    gamesVersions: (await games.collection('gametableversions').countDocuments({ event: 'update' })) === shape.candidates,
  };
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
  if (failed.length > 0) console.error(`  CORRECTNESS FAILED: ${failed.join(', ')}`);
  return failed.length === 0;
}

/**
 * Agendash's job list (`GET /dash/api`, the first page and the overview) with 200,000 finished
 * operations in Games: with no finished job left, then with one finished job each, all within the
 * JOB_HISTORY_HOURS window (what a day of heavy work leaves), before and after one pass of the
 * retention job, which keeps the newest JOB_HISTORY_MAX of each name. Median of 5 calls each, in ms.
 */
export async function agendashAtHistory(conn: Connection, uri: (db: string) => string, finished: number, deadline: number): Promise<{ jobsLeft: number; live: number; withHistory: number; afterRetention: number }> {
  const client = conn.getClient() as unknown as mongo.MongoClient;
  const name = 'agendash_bench_games';
  const db = client.db(name);
  await db.dropDatabase();
  const port = await freePort();
  // V8's own heap limit: Agendash's overview loads every job, and the old history is 200,000 of them.
  const games = new ServiceProcess(
    'games/src/main.js',
    { NODE_ENV: 'production', LOG_LEVEL: 'warn', DASH_USER: DASH.user, DASH_PASSWORD: DASH.password, GAMES_PORT: String(port), GAMES_MONGODB_URI: uri(name), GAMES_API_TOKEN: TOKEN },
    { heapBudget: false },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await games.waitHealthy(url, deadline);
    const old = new Date(Date.now() - 40 * 86_400_000);
    const recent = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < finished; i += 10_000) {
      const ops = Array.from({ length: Math.min(10_000, finished - i) }, () => ({
        _id: new Types.ObjectId(), messageId: new Types.ObjectId(), status: 'DEFERRED', actionType: 'ARCHIVE', archivedAt: old, async: true,
        requestedCount: 1, processedCount: 1, succeededIds: [], failures: [], attempts: 1, createdAt: old, updatedAt: old, finishedAt: old,
      }));
      await db.collection('asyncoperations').insertMany(ops, { ordered: false });
    }
    const jobsLeft = await db.collection('agendaJobs').countDocuments({ name: 'cleanup-game-tables' });
    const timeList = async () => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        checkDeadline(deadline);
        const started = performance.now();
        const res = await fetch(`${url}/dash/api?limit=50`, { headers: { authorization: `Basic ${Buffer.from(`${DASH.user}:${DASH.password}`).toString('base64')}` } });
        if (!res.ok) throw new Error(`agendash answered ${res.status}`);
        await res.arrayBuffer();
        times.push(performance.now() - started);
      }
      return median(times);
    };
    const live = await timeList();
    const ops = await db.collection('asyncoperations').find({}, { projection: { _id: 1 } }).toArray();
    for (let i = 0; i < ops.length; i += 10_000) {
      await db.collection('agendaJobs').insertMany(
        ops.slice(i, i + 10_000).map((op) => ({
          name: 'cleanup-game-tables', type: 'normal', priority: 0, data: { operationId: String(op._id) }, nextRunAt: null, lockedAt: null,
          lastRunAt: recent, lastFinishedAt: recent, lastModifiedBy: 'games-old', failCount: null, failReason: null, failedAt: null,
        })),
        { ordered: false },
      );
    }
    const withHistory = await timeList();
    const { hours, maxPerName } = loadGamesConfig({}).jobHistory;
    await removeFinishedJobs(db, new Date(Date.now() - hours * 3_600_000), { maxPerName });
    const afterRetention = await timeList();
    return { jobsLeft, live, withHistory, afterRetention };
  } finally {
    await games.stop();
    await db.dropDatabase();
  }
}
