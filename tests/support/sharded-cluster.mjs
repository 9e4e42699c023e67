// Plain JS: Jest's globalSetup loads it outside its ESM transform pipeline, and tests import it too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { onPath } from './global-setup.mjs';

/**
 * How long a transaction whose client was killed holds its locks on the test cluster, as in the
 * replica-set tests: 5 s instead of MongoDB's 60 s.
 */
const TEST_TRANSACTION_LIFETIME_SECONDS = 5;

/** What every node runs with besides the transaction lifetime: MongoDB's fail points are allowed. */
const COMMON_PARAMETERS = ['enableTestCommands=1'];

/**
 * Shards write a no-op to their oplog every second instead of every 10 s: a change stream through a
 * router merges the shards' streams and waits for each to move past an event before returning it.
 */
const SHARD_PARAMETERS = ['periodicNoopIntervalSecs=1'];

/** A `mongos` on PATH, or undefined: then the config server's embedded router is used. */
export function mongosOnPath() {
  return onPath('mongos');
}

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function waitFor(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${err.message}`);
    }
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await sleep(20);
  }
}

/**
 * Kills a cluster process (argv[2]) once the process that started it (argv[1]) is gone, so a test
 * run that dies without its teardown leaves no mongod behind.
 */
const WATCHDOG = `
const [parent, child] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (!alive(parent)) { try { process.kill(child, 'SIGKILL'); } catch {} process.exit(0); }
}, 1000);`;

/** One process of the cluster; `restart()` starts it again with the same arguments and data. */
class ClusterProcess {
  constructor(binary, args, port, logPath) {
    this.binary = binary;
    this.args = args;
    this.port = port;
    this.logPath = logPath;
    this.child = null;
  }

  /** Starts the process and resolves once it accepts connections. */
  async start() {
    this.child = spawn(this.binary, [...this.args, '--logpath', this.logPath, '--logappend'], { stdio: 'ignore' });
    spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(this.child.pid)], { detached: true, stdio: 'ignore' }).unref();
    this.exited = once(this.child, 'exit');
    const failed = this.exited.then(([code, signal]) => {
      throw new Error(`${this.binary} ${this.args.join(' ')} exited (${code ?? signal}); see ${this.logPath}`);
    });
    const answers = async () => {
      const socket = connect(this.port, '127.0.0.1');
      try {
        await once(socket, 'connect');
        return true;
      } finally {
        socket.destroy();
      }
    };
    try {
      await Promise.race([waitFor(answers, `port ${this.port}`), failed]);
    } finally {
      failed.catch(() => undefined);
    }
  }

  get pid() {
    return this.child?.pid;
  }

  /** SIGKILL, as when a machine dies; resolves once the process is gone. */
  async kill() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  async restart() {
    await this.kill();
    await this.start();
  }
}

async function initiateReplicaSet(port, id, configsvr) {
  const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/?directConnection=true`);
  try {
    await client.db('admin').command({ replSetInitiate: { _id: id, configsvr, members: [{ _id: 0, host: `127.0.0.1:${port}` }] } });
    await waitFor(async () => (await client.db('admin').command({ hello: 1 })).isWritablePrimary, `${id} primary`);
  } finally {
    await client.close();
  }
}

/**
 * A local sharded cluster: a config server replica set, two shard replica sets (`shA`, `shB`),
 * each of one node, and a router: a `mongos` where one is on PATH, else the config server's
 * embedded router (`--routerPort`, MongoDB 8's `featureFlagRouterPort`). Data lives in a temporary
 * folder removed by `stop()`.
 *
 * @param {{ binary: string, mongos?: string | undefined, transactionLifetimeLimitSeconds?: number }} options
 *   `binary`: the mongod; `mongos`: a mongos to route through (default: none, the embedded router);
 *   `transactionLifetimeLimitSeconds`: every node's (default 5; the chaos runner keeps MongoDB's 60).
 * @returns the router's URI (`uri`), the processes (`config`, `shards`, `router`: the router is the
 *   config server itself when embedded), `embeddedRouter`, and `stop()`.
 */
export async function startShardedCluster({ binary, mongos, transactionLifetimeLimitSeconds = TEST_TRANSACTION_LIFETIME_SECONDS }) {
  const dir = await mkdtemp(join(tmpdir(), 'sharded-cluster-'));
  const ports = { config: await freePort(), router: await freePort(), shA: await freePort(), shB: await freePort() };
  const node = (name, port, role, parameters) => {
    const dbpath = join(dir, name);
    const args = ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dbpath, role, '--replSet', name];
    for (const p of [`transactionLifetimeLimitSeconds=${transactionLifetimeLimitSeconds}`, ...COMMON_PARAMETERS, ...parameters]) args.push('--setParameter', p);
    return { dbpath, args };
  };
  const config = node('cfg', ports.config, '--configsvr', []);
  if (!mongos) config.args.push('--routerPort', String(ports.router), '--setParameter', 'featureFlagRouterPort=true');
  const shardNodes = { shA: node('shA', ports.shA, '--shardsvr', SHARD_PARAMETERS), shB: node('shB', ports.shB, '--shardsvr', SHARD_PARAMETERS) };
  for (const n of [config, ...Object.values(shardNodes)]) await mkdir(n.dbpath);

  const configProcess = new ClusterProcess(binary, config.args, ports.config, join(dir, 'cfg.log'));
  const shards = Object.fromEntries(Object.entries(shardNodes).map(([name, n]) => [name, new ClusterProcess(binary, n.args, ports[name], join(dir, `${name}.log`))]));
  const started = [configProcess, ...Object.values(shards)];
  const stop = async () => {
    await Promise.all(started.map((p) => p.stop().catch(() => p.kill())));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([configProcess.start(), shards.shA.start(), shards.shB.start()]);
    await Promise.all([initiateReplicaSet(ports.config, 'cfg', true), initiateReplicaSet(ports.shA, 'shA', false), initiateReplicaSet(ports.shB, 'shB', false)]);
    let router = configProcess;
    if (mongos) {
      router = new ClusterProcess(mongos, ['--port', String(ports.router), '--bind_ip', '127.0.0.1', '--configdb', `cfg/127.0.0.1:${ports.config}`], ports.router, join(dir, 'mongos.log'));
      started.push(router);
      await router.start();
    }
    const uri = `mongodb://127.0.0.1:${ports.router}/`;
    const client = await MongoClient.connect(uri);
    try {
      for (const name of Object.keys(shards)) {
        // The router learns the config server's primary a moment after it is elected.
        await waitFor(() => client.db('admin').command({ addShard: `${name}/127.0.0.1:${ports[name]}`, name }).then(() => true), `addShard ${name}`);
      }
    } finally {
      await client.close();
    }
    return { uri, dir, config: configProcess, shards, router, embeddedRouter: !mongos, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
