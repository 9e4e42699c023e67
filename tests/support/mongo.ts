import { randomUUID } from 'node:crypto';

/** A URI for a fresh database of its own on the test replica set (or on `serverUri`). */
export function freshDatabaseUri(prefix: string, serverUri?: string): string {
  const server = serverUri ?? process.env.TEST_MONGODB_URI;
  if (!server) throw new Error('TEST_MONGODB_URI is not set: run the tests through `npm test`');
  const url = new URL(server);
  url.pathname = `/${prefix}_${randomUUID().slice(0, 8)}`;
  return url.toString();
}
