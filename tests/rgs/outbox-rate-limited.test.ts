import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { capturedLogger } from '../support/captured-logs.js';
import { createGameTables } from '../support/game-tables.js';
import { TEST_GAMES_TOKEN, useTestGames } from '../support/games-app.js';
import { eventually } from '../support/eventually.js';
import { useStarted } from '../support/use-started.js';
import { startTestRgs } from './support/rgs-app.js';
import { allSent, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

/**
 * Games behind a gate that answers its first calls with Games's own 429 (RATE_LIMITED, Retry-After)
 * and forwards the rest: what RGS sees when its principal has spent its budget on Games.
 */
function rateLimitingGate(target: () => string, refusals: number): { server: Server; url: () => string; refused: () => number } {
  let refused = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/graphql' && refused < refusals) {
        refused += 1;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ errors: [{ message: 'Too many requests by rgs; retry after 1 s', extensions: { code: 'RATE_LIMITED' } }] }));
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      fetch(`${target()}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }).then(
        async (answer) => res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer())),
        () => res.writeHead(502).end(),
      );
    });
  });
  return { server, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`, refused: () => refused };
}

describe('the outbox when Games answers 429', () => {
  const games = useTestGames();
  const gate = rateLimitingGate(() => games.url, 3);
  const logs = capturedLogger();
  beforeAll(async () => new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => new Promise((resolve) => gate.server.close(resolve)));
  const rgs = useStarted(() => startTestRgs({ logger: logs.logger, env: { GAMES_URL: gate.url(), GAMES_API_TOKEN: TEST_GAMES_TOKEN, DISPATCH_MAX_ATTEMPTS: '1', DISPATCH_INTERVAL_MS: '500' } }));

  it('When Games refuses the first calls for RGS’s budget, then the dispatches wait for Retry-After without spending attempts, and every id reaches Games once', async () => {
    // Arrange: three servers, so three dispatches
    const boIds = await createGameTables(games.models.GameTable, 30, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    for (let i = 0; i < 3; i++) {
      await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { noTraffic: 10, traffic: 0 }, { boIds: boIds.slice(i * 10, i * 10 + 10) });
    }

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent, 30_000);

    // Assert: three refusals, none of which spent the budget of one attempt (else a dispatch would be FAILED)
    expect(gate.refused()).toBe(3);
    expect(run.dispatches).toHaveLength(3);
    expect(run.dispatches.every((d: { status: string; attempts: number }) => d.status === 'SENT' && d.attempts === 1)).toBe(true);
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'Games rate-limits RGS (429): dispatch waits for Retry-After', retryInMs: 1000 }));
    const operations = await eventually(
      () => games.models.AsyncOperation.find().lean(),
      (ops) => ops.length === 3 && ops.every((op) => op.status === 'DEFERRED'),
      { timeoutMs: 30_000 },
    );
    const received = operations.flatMap((op) => op.succeededIds.map(String)).sort();
    expect(received).toEqual(boIds.map(String).sort());
  });
});

describe('the outbox when Games refuses RGS’s key', () => {
  const games = useTestGames();
  const rgs = useStarted(() => startTestRgs({ env: { GAMES_URL: games.url, GAMES_API_TOKEN: 'not-a-games-key-0123456789', DISPATCH_MAX_ATTEMPTS: '12' } }));

  it('When Games answers 401, then the dispatch is FAILED at once with the reason: resending with the same key cannot succeed', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { noTraffic: 2 });

    // Act
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, (r) => r.status === 'COMPLETED' && r.dispatches.every((d: { status: string }) => d.status === 'FAILED'));

    // Assert
    expect(run.dispatches).toEqual([expect.objectContaining({ status: 'FAILED', attempts: 1, lastError: expect.stringContaining('Games answered UNAUTHENTICATED') })]);
  });
});
