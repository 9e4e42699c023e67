// Plain JS: Jest loads globalSetup outside its ESM transform pipeline.
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { MongoMemoryReplSet } from 'mongodb-memory-server-core';

const VERSION = '8.2.6';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The executable `name` on PATH, or undefined. */
export function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find(executable);
}

/** Same order as shared/src/mongo/mongod-binary.ts: explicit, PATH, the project's cache. */
export function mongodBinary() {
  if (process.env.MONGOMS_SYSTEM_BINARY) return process.env.MONGOMS_SYSTEM_BINARY;
  return onPath('mongod') ?? resolve(import.meta.dirname, '..', '..', '.cache', 'mongodb', VERSION, 'mongod');
}

/**
 * One single-node replica set for the whole run (transactions need a replica set); each test file
 * uses databases of its own on it. TEST_MONGODB_URI (a server URI, no database) uses an existing one.
 */
export default async function globalSetup() {
  if (process.env.TEST_MONGODB_URI) return;
  const replSet = await MongoMemoryReplSet.create({
    binary: { systemBinary: mongodBinary(), version: VERSION },
    replSet: {
      count: 1,
      name: 'rs0',
      storageEngine: 'wiredTiger',
      // A transaction whose client was killed holds its locks until this limit (default 60 s);
      // the fault tests kill workers mid-transaction and should not wait a minute for it.
      // Test commands: MongoDB's fail points, which hold a command back for a test (the MongoDB
      // drivers test themselves the same way); a server given in TEST_MONGODB_URI needs them too.
      args: ['--setParameter', 'transactionLifetimeLimitSeconds=5', '--setParameter', 'enableTestCommands=1'],
    },
  });
  await replSet.waitUntilRunning();
  globalThis.__REPLSET__ = replSet;
  process.env.TEST_MONGODB_URI = replSet.getUri();
}
