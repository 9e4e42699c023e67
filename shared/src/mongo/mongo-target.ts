import type { EmbeddedSettings } from '../config.js';
import type { Logger } from '../logger.js';
import { resolveMongodBinary } from './mongod-binary.js';

export interface MongoTarget {
  uri: string;
  /** Stops the embedded server if this process started one. */
  stop(): Promise<void>;
}

/**
 * The database a service uses: the configured URI, or else an embedded single-node replica set
 * (started here, with `dbName`) so `npm run start:*` works with no MongoDB installed.
 */
export async function resolveMongoTarget(
  configuredUri: string | undefined,
  dbName: string,
  embedded: EmbeddedSettings,
  logger: Logger,
): Promise<MongoTarget> {
  if (configuredUri) return { uri: configuredUri, stop: async () => {} };
  // Loaded only when needed: mongodb-memory-server is a development dependency, absent from the
  // production image (Dockerfile), where a URI is always configured.
  const { startEmbeddedMongo } = await import('./embedded-mongo.js');
  const server = await startEmbeddedMongo({
    binary: resolveMongodBinary({ explicit: embedded.binary, path: embedded.searchPath }),
    dataDir: embedded.dataDir,
    port: embedded.port,
    logger,
  });
  return { uri: server.uri(dbName), stop: () => server.stop() };
}
