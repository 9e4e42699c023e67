import { MongoClient, type Db, type ObjectId } from 'mongodb';
import { GAMES_SHARDING } from '../games/src/data-access/games-sharding.js';
import { shardCollections } from '../shared/src/mongo/sharding.js';
import type { ShardedCluster } from '../tests/support/sharded-cluster.mjs';
import { freePort } from '../tests/rgs/support/free-port.js';
import { allOperationsDeferred, connect, gamesLostAndDoubled, receiveOperations, seconds, trialOf, waitFor, withFixtures, type Scenario } from './harness.js';

/** Operations sent at once; one worker runs them all together (WORKER_CONCURRENCY is 8). */
const OPERATIONS = 4;
const TABLES_PER_OPERATION = 500;

/**
 * The coordinator's step the commits are held at (a fail point of MongoDB's transaction coordinator,
 * on the shard that coordinates): every participant has prepared and voted to commit, and the
 * decision is not yet written. Until it is, the outcome lives only in the coordinator's memory and
 * both shards hold the operation's tables locked; the worker dying there must change nothing.
 */
const HOLD = 'hangBeforeWritingDecision';

/** The shards' primaries, connected directly: fail points and coordinator counters are per mongod. */
async function connectShards(cluster: ShardedCluster): Promise<MongoClient[]> {
  return Promise.all(Object.values(cluster.shards).map((shard) => MongoClient.connect(`mongodb://127.0.0.1:${shard.port}/?directConnection=true`)));
}

async function holdCommits(shards: MongoClient[], mode: 'alwaysOn' | 'off'): Promise<void> {
  await Promise.all(shards.map((shard) => shard.db('admin').command({ configureFailPoint: HOLD, mode })));
}

interface CoordinatorCounts {
  /** Two-phase commits that committed, over both shards' coordinators. */
  committed: number;
  /** Coordinators at the decision step now (held there by the fail point). */
  writingDecision: number;
  /** Coordinators at any step now. */
  busy: number;
}

/** The shards' `twoPhaseCommitCoordinator` server status, summed. */
async function coordinatorCounts(shards: MongoClient[]): Promise<CoordinatorCounts> {
  const statuses = await Promise.all(shards.map((shard) => shard.db('admin').command({ serverStatus: 1 })));
  const counts = { committed: 0, writingDecision: 0, busy: 0 };
  for (const { twoPhaseCommitCoordinator: coordinator } of statuses) {
    const steps = coordinator.currentInSteps as Record<string, number>;
    counts.committed += coordinator.totalCommittedTwoPhaseCommit as number;
    counts.writingDecision += steps.writingDecision ?? 0;
    counts.busy += Object.values(steps).reduce((sum, n) => sum + n, 0);
  }
  return counts;
}

/**
 * Per operation, its tables archived and their archive versions, every count read at one cluster
 * time (a snapshot session): a plain read through the router may see one shard's part of a commit
 * before the other's.
 */
async function appliedPerOperation(client: MongoClient, db: Db, operations: ObjectId[][]): Promise<Array<{ archived: number; versions: number }>> {
  const session = client.startSession({ snapshot: true });
  try {
    const applied: Array<{ archived: number; versions: number }> = [];
    for (const ids of operations) {
      const archived = await db.collection('gametables').countDocuments({ _id: { $in: ids }, active: false }, { session });
      const versions = await db.collection('gametableversions').countDocuments({ gameTableId: { $in: ids }, event: 'update' }, { session });
      applied.push({ archived, versions });
    }
    return applied;
  } finally {
    await session.endSession();
  }
}

/** Each operation's tables on each shard, counted on the shards themselves. */
async function tablesPerShard(shards: MongoClient[], operations: ObjectId[][]): Promise<number[][]> {
  return Promise.all(operations.map((ids) => Promise.all(shards.map((shard) => shard.db('games').collection('gametables').countDocuments({ _id: { $in: ids } })))));
}

/**
 * Issue 27: a Games worker SIGKILLed while its cross-shard transactions commit. Games (an API
 * process and a worker process) runs on a 2-shard cluster through its router, sharded as
 * docs/deployment.md documents; each operation's tables, spread by their hashed `_id`, live on both
 * shards, so every archive commits in two phases. The commits are held before their decision, the
 * worker is killed, then they are let go: every operation must be applied whole or not at all, and
 * the restarted worker must finish each with every table archived once.
 */
export const workerKilledDuringCrossShardCommit: Scenario = {
  name: 'Games worker SIGKILL during a cross-shard commit (sharded)',
  target: 'no operation partial; each table archived once',
  async run(trial) {
    return withFixtures(async (mongo, services) => {
      const cluster = await mongo.shardedCluster();
      const uri = `${cluster.uri}games`;
      const { client, db } = await connect(uri);
      const shards = await connectShards(cluster);
      try {
        await shardCollections(db, GAMES_SHARDING);
        await holdCommits(shards, 'alwaysOn');
        const api = await services.games(uri, await freePort(), { RUN_JOBS: 'false' });
        const worker = await services.games(uri, await freePort());
        const before = await coordinatorCounts(shards);
        const { ids } = await receiveOperations(api, db, OPERATIONS, TABLES_PER_OPERATION);
        const operations = Array.from({ length: OPERATIONS }, (_, i) => ids.slice(i * TABLES_PER_OPERATION, (i + 1) * TABLES_PER_OPERATION));

        const held = await waitFor('every operation held before its commit decision', () => coordinatorCounts(shards), (c) => c.writingDecision >= OPERATIONS, 120_000, 50);
        await worker.process.kill9();
        const killedAt = Date.now();
        const unfinished = await db.collection('asyncoperations').countDocuments({ status: 'IN_PROGRESS' });
        await holdCommits(shards, 'off');
        await waitFor('every coordinator done', () => coordinatorCounts(shards), (c) => c.busy === 0, 60_000, 50);
        const applied = await appliedPerOperation(client, db, operations);
        const partial = applied.filter((a) => (a.archived !== 0 && a.archived !== TABLES_PER_OPERATION) || a.versions !== a.archived).length;
        const whole = applied.filter((a) => a.archived === TABLES_PER_OPERATION).length;

        await services.games(uri, await freePort());
        await allOperationsDeferred(db, OPERATIONS, 120_000);
        const recovery = seconds(killedAt);
        const { lost, doubled, maxAttempts } = await gamesLostAndDoubled(db, ids);
        const twoPhase = (await coordinatorCounts(shards)).committed - before.committed;
        const spread = await tablesPerShard(shards, operations);
        const onBothShards = spread.every((counts) => counts.every((n) => n > 0));
        return trialOf(this, trial, {
          measured: `${held.writingDecision} commits held, worker killed with ${unfinished} operations IN_PROGRESS; then ${whole} applied whole, ${partial} partial; all DEFERRED ${recovery} s after the kill`,
          recoverySeconds: recovery,
          lost,
          doubled,
          pass: onBothShards && twoPhase >= held.writingDecision && partial === 0 && lost === 0 && doubled === 0,
          notes: `${twoPhase} two-phase commits; tables per shard of each operation: ${spread.map((counts) => counts.join('/')).join(', ')}; max attempts ${maxAttempts}; router: ${cluster.embeddedRouter ? 'embedded' : 'mongos'}`,
        });
      } finally {
        for (const shard of shards) await shard.close();
        await client.close();
      }
    });
  },
};
