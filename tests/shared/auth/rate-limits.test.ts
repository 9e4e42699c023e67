import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../support/eventually.js';
import { postGraphql } from '../../support/graphql-client.js';
import { freshDatabaseUri } from '../../support/mongo.js';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.js';
import { freePort } from '../../rgs/support/free-port.js';
import { principal } from './principals.js';

const rgs = principal('rgs', ['cleanup', 'viewer']);
const ADMIN = 'rate-limit-admin-token';
const ME = '{ me { name } }';

/** Two Games processes on one database: the counts live in MongoDB, so the limits are the deployment's, not a process's. */
describe('rate limits shared by two processes of one service', () => {
  const processes: ServiceProcess[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    const mongoUri = freshDatabaseUri('games');
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      processes.push(
        startServiceProcess('games/src/main.js', {
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          RUN_JOBS: 'false',
          GAMES_MONGODB_URI: mongoUri,
          GAMES_PORT: String(port),
          GAMES_API_TOKEN: ADMIN,
          GAMES_API_KEYS: JSON.stringify([{ name: rgs.name, roles: rgs.roles, key: rgs.key, perMinute: 6 }]),
          AUTH_FAILURES_PER_MINUTE: '4',
        }),
      );
      urls.push(`http://127.0.0.1:${port}`);
    }
    for (const url of urls) await eventually(() => fetch(`${url}/health`).then((r) => r.status, () => 0), (status) => status === 200, { timeoutMs: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });

  it('When a principal spends its perMinute across both processes, then the next request is 429 RATE_LIMITED with Retry-After, and other principals go on', async () => {
    // Act: 6 requests, alternating between the processes, then a seventh
    const allowed = [];
    for (let i = 0; i < 6; i++) allowed.push(await postGraphql(urls[i % 2]!, ME, {}, rgs.key));
    const refused = await fetch(`${urls[0]}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${rgs.key}` }, body: JSON.stringify({ query: ME }) });

    // Assert
    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({ errors: [{ message: expect.stringMatching(/^Too many requests by rgs; retry after \d+ s$/), extensions: { code: 'RATE_LIMITED' } }] });
    expect((await postGraphql(urls[1]!, ME, {}, ADMIN)).status).toBe(200);
  });

  it('When an address fails to authenticate more than AUTH_FAILURES_PER_MINUTE times across both processes, then it is refused with 429, even with a good key', async () => {
    // Act: four bad keys, two per process: 401 each
    const failures = [];
    for (let i = 0; i < 4; i++) failures.push(await postGraphql(urls[i % 2]!, ME, {}, `wrong-key-${i}-0123456789`));
    const fifth = await postGraphql(urls[0]!, ME, {}, 'wrong-key-5-0123456789');
    const goodKeyAfter = await fetch(`${urls[1]}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query: ME }) });

    // Assert
    expect(failures.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(fifth.status).toBe(429);
    expect(fifth.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(goodKeyAfter.status).toBe(429);
    expect(Number(goodKeyAfter.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('When another process blocks an address, then this one, which saw it a moment ago with a good key, follows within a second', async () => {
    // Arrange: a good request from 127.0.0.2 to process B (B now trusts the address for a second)
    const fromOtherAddress = (url: string, key: string) => postFrom('127.0.0.2', url, key);
    expect(await fromOtherAddress(urls[1]!, ADMIN)).toBe(200);

    // Act: five bad keys from that address to process A block it there
    for (let i = 0; i < 5; i++) await fromOtherAddress(urls[0]!, `wrong-key-b${i}-0123456789`);
    const atOnce = await fromOtherAddress(urls[1]!, ADMIN);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const aSecondLater = await fromOtherAddress(urls[1]!, ADMIN);

    // Assert: B let one good request through on its trust, then refuses like A
    expect(atOnce).toBe(200);
    expect(aSecondLater).toBe(429);
  });
});

/** POSTs `me` from a chosen loopback address (the address the failure counts go by); resolves with the status. */
function postFrom(localAddress: string, url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: ME }));
  });
}
