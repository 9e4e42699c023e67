import { MongoClient } from 'mongodb';
import { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import { EMBEDDED_MONGODB_VERSION, resolveMongodBinary } from '../../shared/src/mongo/mongod-binary.js';

/** A replica set of one test file's own, with MongoDB's fail points, and an admin client to set them. */
export interface FailPointReplicaSet {
  /** The server URI (no database). */
  uri: string;
  /** `failCommand` with `data` for the next `times` matching commands. */
  failNext(times: number, data: Record<string, unknown>): Promise<void>;
  /** Turns `failCommand` off; returns how often it was entered since it was last set. */
  off(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a single-node replica set for the fail points of one test file. `failCommand` is one
 * setting per mongod: on the shared test replica set, another file setting or clearing it at the
 * same time would undo this file's fault (or count it), so a file that plays faults owns its mongod.
 */
export async function startFailPointReplicaSet(): Promise<FailPointReplicaSet> {
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary: resolveMongodBinary({ explicit: process.env.MONGOMS_SYSTEM_BINARY, path: process.env.PATH }), version: EMBEDDED_MONGODB_VERSION },
    replSet: { count: 1, name: 'rs0', storageEngine: 'wiredTiger', args: ['--setParameter', 'enableTestCommands=1'] },
  });
  await replSet.waitUntilRunning();
  const uri = replSet.getUri();
  const admin = await MongoClient.connect(uri);
  const configure = (mode: unknown, data: Record<string, unknown> = {}) => admin.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
  return {
    uri,
    failNext: async (times, data) => {
      await configure({ times }, data);
    },
    off: async () => (await configure('off')).count as number,
    stop: async () => {
      await admin.close();
      await replSet.stop();
    },
  };
}
