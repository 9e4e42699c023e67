import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Db } from 'mongodb';
import type { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import { freePort } from '../tests/rgs/support/free-port.js';
import {
  allOperationsDeferred,
  connect,
  finishedAndSent,
  GAMES_TOKEN,
  gamesLostAndDoubled,
  gql,
  lostAndDoubled,
  receiveOperations,
  RGS_TOKEN,
  runView,
  seconds,
  seedRgsEnvironment,
  seedGamesTables,
  sentOperationsDeferred,
  START_CLEANUP,
  trialOf,
  waitFor,
  withFixtures,
  type RunView,
  type Scenario,
  type Service,
  type Services,
} from './harness.js';
import { workerKilledDuringCrossShardCommit } from './cross-shard-commit.js';

/** A single-node replica set with a `games` database the runner is connected to, and a free port for Games. */
async function withGamesDatabase<T>(body: (fixture: { uri: string; db: Db; port: number; services: Services }) => Promise<T>): Promise<T> {
  return withFixtures(async (mongo, services) => {
    const uri = (await mongo.replSet(1)).getUri('games');
    const { client, db } = await connect(uri);
    try {
      return await body({ uri, db, port: await freePort(), services });
    } finally {
      await client.close();
    }
  });
}

/** Games + RGS on one replica set, with an environment of `servers` servers over `tables` tables. */
async function cleanupSetup(replSet: MongoMemoryReplSet, services: Services, tables: number, servers: number) {
  const gamesUri = replSet.getUri('games');
  const rgsUri = replSet.getUri('rgs');
  const gamesDb = await connect(gamesUri);
  const rgsDb = await connect(rgsUri);
  const boIds = await seedGamesTables(gamesDb.db, tables);
  const environmentId = await seedRgsEnvironment(rgsDb.db, boIds, servers);
  const gamesPort = await freePort();
  return {
    gamesUri,
    rgsUri,
    gamesPort,
    boIds,
    environmentId,
    games: gamesDb.db,
    rgs: rgsDb.db,
    close: async () => {
      await gamesDb.client.close();
      await rgsDb.client.close();
    },
  };
}

async function startRun(rgs: Service, environmentId: string): Promise<string> {
  return (await gql<{ startCleanup: { id: string } }>(rgs, RGS_TOKEN, START_CLEANUP, { environmentId })).startCleanup.id;
}

/** A COMPLETED run finished every server the kickoff counted (issue 27): after a fault too, the record matches the data. */
const exactServers = (run: RunView) => run.status === 'COMPLETED' && run.serversDone === run.serversTotal;
const serversOf = (run: RunView) => `${run.status} ${run.serversDone}/${run.serversTotal} servers`;

/**
 * Freezes RGS (SIGSTOP) until it is caught with a slice transaction open on mongod, then SIGKILLs
 * it: the transaction stays open, its tables write-locked, until someone ends it. False when no
 * transaction was caught in `attempts` tries.
 */
async function killInsideSliceTransaction(rgs: Service, db: Db, attempts = 500): Promise<boolean> {
  const openTransactions = async () => {
    const reply = await db.admin().command({
      aggregate: 1,
      pipeline: [{ $currentOp: { idleSessions: true } }, { $match: { type: 'idleSession', appName: { $regex: '^rgs:' }, transaction: { $exists: true } } }],
      cursor: {},
    });
    return (reply.cursor as { firstBatch: unknown[] }).firstBatch.length;
  };
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    rgs.process.child.kill('SIGSTOP');
    await sleep(20); // a command already sent completes; its session is then idle, its transaction open
    if ((await openTransactions()) > 0) {
      await rgs.process.kill9();
      return true;
    }
    rgs.process.child.kill('SIGCONT');
    await sleep(Math.random() * 30);
  }
  return false;
}

/**
 * RGS killed while a chain link holds its lock, the worst moment: the link waits for the lock to
 * expire. `insideTransaction` kills it with a slice transaction open, whose tables stay locked
 * until that transaction is ended (before: at mongod's 60 s limit, 82 s in all).
 */
function rgsCrashMidChain(insideTransaction: boolean): Scenario {
  return {
    name: insideTransaction ? 'RGS SIGKILL inside a slice transaction' : 'RGS SIGKILL mid-chain',
    target: 'progress ≤ 60 s after restart',
    async run(trial) {
      return withFixtures(async (mongo, services) => {
        const setup = await cleanupSetup(await mongo.replSet(1), services, 3_000, 30);
        try {
          await services.games(setup.gamesUri, setup.gamesPort);
          let rgs = await services.rgs(setup.rgsUri, setup.gamesPort);
          const runId = await startRun(rgs, setup.environmentId);
          const linkRunning = () => setup.rgs.collection('agendaJobs').countDocuments({ name: 'cleanup-environment', lockedAt: { $ne: null } });
          await waitFor(
            'two servers done and a link running',
            async () => ((await linkRunning()) > 0 ? runView(rgs, runId) : undefined),
            (run) => run !== undefined && run.serversDone >= 2,
            60_000,
            10,
          );
          if (!insideTransaction) await rgs.process.kill9();
          else if (!(await killInsideSliceTransaction(rgs, setup.rgs))) throw new Error('no slice transaction caught open in 500 tries');
          await sleep(2_000);
          rgs = await services.rgs(setup.rgsUri, setup.gamesPort);
          const restartedAt = Date.now();
          // Where the dead process left the run (it may have recorded a server after the last look).
          const atKill = await runView(rgs, runId);
          const moved = await waitFor('progress after restart', () => runView(rgs, runId), (run) => run.serversDone > atKill.serversDone || run.status === 'COMPLETED', 120_000, 100);
          const recovery = seconds(restartedAt);
          const done = await waitFor('run completed and sent', () => runView(rgs, runId), finishedAndSent, 180_000, 250);
          await sentOperationsDeferred(setup.games, setup.rgs, runId, 120_000);
          const { lost, doubled } = await lostAndDoubled(setup.games, setup.rgs, setup.boIds);
          return trialOf(this, trial, {
            measured: `progress ${recovery} s after restart (killed at ${atKill.serversDone}/${atKill.serversTotal}, then ${moved.serversDone}); ended ${serversOf(done)}`,
            recoverySeconds: recovery,
            lost,
            doubled,
            pass: recovery <= 60 && lost === 0 && doubled === 0 && done.errors.length === 0 && exactServers(done),
            notes: `${done.dispatches.length} dispatches; ${done.errors.length} server errors`,
          });
        } finally {
          await setup.close();
        }
      });
    },
  };
}

export const gamesSigterm: Scenario = {
  name: 'Games SIGTERM, 5 operations in flight',
  target: 'exit ≤ 15 s, 0 jobs started after the signal, all resumed ≤ 60 s after restart',
  async run(trial) {
    return withGamesDatabase(async ({ uri, db, port, services }) => {
      const api = await services.games(uri, port);
      // The process takes the requests and works on them; it is the one signalled.
      const { ids, operationIds } = await receiveOperations(api, db, 5, 500);
      await waitFor('operations in progress', () => db.collection('asyncoperations').countDocuments({ status: 'IN_PROGRESS' }), (n) => n >= 1, 30_000, 20);
      const signalledAt = Date.now();
      await api.process.stop();
      const exitSeconds = seconds(signalledAt);
      const startedAfter = await db.collection('agendaJobs').countDocuments({ name: 'cleanup-game-tables', lastModifiedBy: api.name, lastRunAt: { $gt: new Date(signalledAt) } });
      const stillLocked = await db.collection('agendaJobs').countDocuments({ name: 'cleanup-game-tables', lockedAt: { $ne: null } });
      const pending = await db.collection('asyncoperations').countDocuments({ status: { $ne: 'DEFERRED' } });
      await services.games(uri, port);
      const restartedAt = Date.now();
      await allOperationsDeferred(db, operationIds.length, 120_000);
      const resumed = seconds(restartedAt);
      const { lost, doubled, maxAttempts } = await gamesLostAndDoubled(db, ids);
      return trialOf(this, trial, {
        measured: `exit ${exitSeconds} s; ${startedAfter} started after signal; ${pending} unfinished resumed in ${resumed} s`,
        recoverySeconds: resumed,
        lost,
        doubled,
        pass: exitSeconds <= 15 && startedAfter === 0 && stillLocked === 0 && resumed <= 60 && lost === 0 && doubled === 0,
        notes: `${stillLocked} locks left behind; max attempts ${maxAttempts}`,
      });
    });
  },
};

export const gamesWorkerKilled: Scenario = {
  name: 'Games worker SIGKILL mid-transaction',
  target: 'DEFERRED with ≤ 3 attempts',
  async run(trial) {
    return withGamesDatabase(async ({ uri, db, port, services }) => {
      const first = await services.games(uri, port);
      const { ids, operationIds } = await receiveOperations(first, db, 1, 500);
      await waitFor('operation in progress', () => db.collection('asyncoperations').countDocuments({ status: 'IN_PROGRESS' }), (n) => n === 1, 30_000, 10);
      await first.process.kill9();
      const killedAt = Date.now();
      const second = await services.games(uri, port);
      let stalledSeen = false;
      const stalledQuery = `query($id: ID!) { operation(id: $id) { status stalled } }`;
      await waitFor(
        'operation DEFERRED',
        async () => {
          const { operation } = await gql<{ operation: { status: string; stalled: boolean } }>(second, GAMES_TOKEN, stalledQuery, { id: operationIds[0] });
          stalledSeen ||= operation.stalled;
          return operation.status;
        },
        (status) => status === 'DEFERRED',
        180_000,
        500,
      );
      const recovery = seconds(killedAt);
      const { lost, doubled, maxAttempts } = await gamesLostAndDoubled(db, ids);
      const cancelled = (second.process.output().match(/canceled, execution took more than/g) ?? []).length;
      return trialOf(this, trial, {
        measured: `DEFERRED ${recovery} s after the kill, ${maxAttempts} attempts`,
        recoverySeconds: recovery,
        lost,
        doubled,
        pass: maxAttempts <= 3 && lost === 0 && doubled === 0,
        notes: `${cancelled} "canceled" logs; shown stalled: ${stalledSeen ? 'yes' : 'no'}`,
      });
    });
  },
};

export const healthWithMongoDown: Scenario = {
  name: '/health with MongoDB down',
  target: '503 ≤ 1 s',
  async run(trial) {
    return withFixtures(async (mongo, services) => {
      const replSet = await mongo.replSet(1);
      const games = await services.games(replSet.getUri('games'), await freePort());
      await replSet.servers[0]!.stop({ doCleanup: false, force: false });
      const answers: Array<{ status: number; seconds: number }> = [];
      for (let i = 0; i < 5; i += 1) {
        const startedAt = Date.now();
        const status = await fetch(`${games.url}/health`, { signal: AbortSignal.timeout(15_000) }).then((res) => res.status, () => 0);
        answers.push({ status, seconds: seconds(startedAt) });
      }
      const slowest = Math.max(...answers.map((a) => a.seconds));
      const all503 = answers.every((a) => a.status === 503);
      return trialOf(this, trial, {
        measured: `${answers.map((a) => a.status).join('/')} in ≤ ${slowest} s`,
        recoverySeconds: null,
        lost: 0,
        doubled: 0,
        pass: all503 && slowest <= 1,
        notes: '5 probes',
      });
    });
  },
};

export const gamesDownThenBack: Scenario = {
  name: 'Games down, then back, dispatches pending',
  target: 'every PENDING dispatch SENT ≤ 20 s',
  async run(trial) {
    return withFixtures(async (mongo, services) => {
      const setup = await cleanupSetup(await mongo.replSet(1), services, 1_500, 3);
      try {
        const rgs = await services.rgs(setup.rgsUri, setup.gamesPort);
        const runId = await startRun(rgs, setup.environmentId);
        // Games stays away until every dispatch has failed four times (backoffs of 16 s and more).
        const down = await waitFor(
          'dispatches backing off',
          () => setup.rgs.collection('dispatches').find({}, { projection: { attempts: 1, nextAttemptAt: 1 } }).toArray(),
          (rows) => rows.length === 3 && rows.every((row) => row.attempts >= 4),
          120_000,
          500,
        );
        const waitLeft = Math.max(...down.map((row) => (row.nextAttemptAt as Date).getTime() - Date.now())) / 1000;
        await services.games(setup.gamesUri, setup.gamesPort);
        const backAt = Date.now();
        await waitFor('every dispatch SENT', () => runView(rgs, runId), finishedAndSent, 120_000, 100);
        const recovery = seconds(backAt);
        await sentOperationsDeferred(setup.games, setup.rgs, runId, 60_000);
        const { lost, doubled } = await lostAndDoubled(setup.games, setup.rgs, setup.boIds);
        const done = await runView(rgs, runId);
        return trialOf(this, trial, {
          measured: `all SENT ${recovery} s after Games was back; ended ${serversOf(done)}`,
          recoverySeconds: recovery,
          lost,
          doubled,
          pass: recovery <= 20 && lost === 0 && doubled === 0 && exactServers(done),
          notes: `backoff left when Games came back: up to ${Math.round(waitLeft)} s`,
        });
      } finally {
        await setup.close();
      }
    });
  },
};

/** The member that is primary now, by its host:port, asked through the replica set. */
async function primaryOf(client: MongoClient): Promise<string | null> {
  const hello = await client.db('admin').command({ hello: 1 });
  return (hello.primary as string | undefined) ?? null;
}

export const failover: Scenario = {
  name: 'Failover: step-down, then kill the primary',
  target: 'progress ≤ 30 s after a new primary',
  async run(trial) {
    return withFixtures(async (mongo, services) => {
      const replSet = await mongo.replSet(3);
      const setup = await cleanupSetup(replSet, services, 6_000, 150);
      const watcher = await MongoClient.connect(replSet.getUri(), { serverSelectionTimeoutMS: 30_000 });
      try {
        await services.games(setup.gamesUri, setup.gamesPort);
        const rgs = await services.rgs(setup.rgsUri, setup.gamesPort);
        const runId = await startRun(rgs, setup.environmentId);
        const progressOf = async () => (await setup.games.collection('asyncoperations').countDocuments({ status: 'DEFERRED' })) + (await runView(rgs, runId)).serversDone;
        await waitFor('three servers done', () => runView(rgs, runId), (run) => run.serversDone >= 3, 60_000, 20);

        // Fault 1: the primary steps down
        const first = await primaryOf(watcher);
        const steppedDownAt = Date.now();
        await watcher.db('admin').command({ replSetStepDown: 30, secondaryCatchUpPeriodSecs: 5 }).catch(() => {});
        const second = await waitFor('a new primary after step-down', () => primaryOf(watcher), (p) => p != null && p !== first, 60_000, 100);
        const electedAt1 = Date.now();
        const before1 = await progressOf();
        await waitFor('progress after step-down', progressOf, (p) => p > before1, 60_000, 100);
        const recovery1 = seconds(electedAt1);

        // Fault 2: the new primary is killed
        const victim = replSet.servers.find((server) => second!.endsWith(`:${server.instanceInfo?.port}`));
        const killedAt = Date.now();
        victim?.instanceInfo?.instance.mongodProcess?.kill('SIGKILL');
        await waitFor('a new primary after the kill', () => primaryOf(watcher), (p) => p != null && p !== second, 90_000, 200);
        const electedAt2 = Date.now();
        const before2 = await progressOf();
        const done = await runView(rgs, runId);
        let recovery2: number | null = null;
        if (!finishedAndSent(done) || (await setup.games.collection('asyncoperations').countDocuments({ status: { $ne: 'DEFERRED' } })) > 0) {
          await waitFor('progress after the kill', progressOf, (p) => p > before2, 90_000, 100);
          recovery2 = seconds(electedAt2);
        }
        const finished = await waitFor('run completed and sent', () => runView(rgs, runId), finishedAndSent, 240_000, 500);
        await sentOperationsDeferred(setup.games, setup.rgs, runId, 180_000);
        const { lost, doubled } = await lostAndDoubled(setup.games, setup.rgs, setup.boIds);
        if (lost > 0 && process.env.CHAOS_DIAG) {
          const missing = await setup.games.collection('gametables').find({ _id: { $in: setup.boIds }, active: { $ne: false } }).toArray();
          const ids = missing.map((t) => t._id);
          const absent = setup.boIds.length - (await setup.games.collection('gametables').countDocuments({ _id: { $in: setup.boIds } }));
          const messages = await setup.games.collection('integrationmessages').find({ gameTableIds: { $in: ids } }).toArray();
          const ops = await setup.games.collection('asyncoperations').find({ messageId: { $in: messages.map((m) => m._id) } }).toArray();
          const dispatches = await setup.rgs.collection('dispatches').find({ boIds: { $in: ids } }).toArray();
          const versions = await setup.games.collection('gametableversions').countDocuments({ gameTableId: { $in: ids } });
          const allOps = await setup.games.collection('asyncoperations').aggregate([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
          console.error(JSON.stringify({ operationsByStatus: allOps }));
          console.error(JSON.stringify({ lostActive: ids.length, absent, versions, messages: messages.length, ops: ops.map((o) => ({ id: o._id, status: o.status, attempts: o.attempts, req: o.requestedCount, succ: (o.succeededIds ?? []).length, fail: o.failures, processed: o.processedCount, createdAt: o.createdAt, finishedAt: o.finishedAt })), dispatches: dispatches.map((d) => ({ id: d._id, status: d.status, attempts: d.attempts, op: d.gamesOperationId, n: d.boIds.length, err: d.lastError })), first: missing[0] }, null, 1));
        }
        const worst = Math.max(recovery1, recovery2 ?? 0);
        return trialOf(this, trial, {
          measured: `progress ${recovery1} s after step-down election, ${recovery2 ?? 'n/a (already done)'} s after kill election; ended ${serversOf(finished)}`,
          recoverySeconds: worst,
          lost,
          doubled,
          pass: worst <= 30 && lost === 0 && doubled === 0 && finished.errors.length === 0 && exactServers(finished),
          notes: `elections took ${seconds(steppedDownAt, electedAt1)} s and ${seconds(killedAt, electedAt2)} s; no service restarted; ${finished.dispatches.length} dispatches; ${finished.errors.length} server errors`,
        });
      } finally {
        await watcher.close();
        await setup.close();
      }
    });
  },
};

export const ALL_SCENARIOS: Scenario[] = [
  healthWithMongoDown,
  gamesWorkerKilled,
  gamesSigterm,
  rgsCrashMidChain(false),
  rgsCrashMidChain(true),
  gamesDownThenBack,
  failover,
  workerKilledDuringCrossShardCommit,
];
