import { mkdirSync } from 'node:fs';
import { MongoMemoryReplSet } from 'mongodb-memory-server-core';
import type { Logger } from '../logger.js';
import { EMBEDDED_MONGODB_VERSION } from './mongod-binary.js';

/** A single-node replica set (transactions need one) run from the embedded mongod binary. */
export interface EmbeddedMongo {
  /** URI of `dbName` on this server. */
  uri(dbName: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  binary: string;
  /**
   * Keep data here across restarts. A replica set remembers its member's address, so a persistent
   * server also needs a fixed `port`. Without a folder the data lives in a temporary one.
   */
  dataDir?: string | undefined;
  port?: number | undefined;
  logger?: Logger;
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary: options.binary, version: EMBEDDED_MONGODB_VERSION },
    replSet: { count: 1, name: 'rs0', storageEngine: 'wiredTiger' },
    instanceOpts: [
      {
        storageEngine: 'wiredTiger',
        ...(options.dataDir ? { dbPath: options.dataDir, port: options.port } : {}),
      },
    ],
  });
  await replSet.waitUntilRunning();
  options.logger?.info({ uri: replSet.getUri(), dataDir: options.dataDir ?? '(temporary)' }, 'embedded MongoDB replica set running');
  return {
    uri: (dbName) => replSet.getUri(dbName),
    // Keep a persistent data folder; remove only the temporary one.
    stop: async () => {
      await replSet.stop({ doCleanup: !options.dataDir, force: false });
    },
  };
}
