/** Types of sharded-cluster.mjs (plain JS, loaded by Jest's globalSetup), for the tests that import it. */
export interface ClusterProcess {
  readonly port: number;
  readonly pid: number | undefined;
  /** SIGKILL, as when a machine dies. */
  kill(): Promise<void>;
  /** Starts it again with the same arguments and data; resolves once it accepts connections. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ShardedCluster {
  /** The router's URI, without a database. */
  uri: string;
  config: ClusterProcess;
  shards: { shA: ClusterProcess; shB: ClusterProcess };
  /** The config server itself when the router is embedded. */
  router: ClusterProcess;
  embeddedRouter: boolean;
  stop(): Promise<void>;
}

export function mongosOnPath(): string | undefined;
/** `transactionLifetimeLimitSeconds`: every node's, default 5 (MongoDB's is 60). */
export function startShardedCluster(options: { binary: string; mongos?: string | undefined; transactionLifetimeLimitSeconds?: number }): Promise<ShardedCluster>;
