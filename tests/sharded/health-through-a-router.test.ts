import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { capturedLogger } from '../support/captured-logs.js';
import { eventually } from '../support/eventually.js';
import { startTestGames, type TestGames } from '../support/games-app.js';
import { mongosOnPath, startShardedCluster, type ShardedCluster } from '../support/sharded-cluster.mjs';

/** GET /health, with how long it took. */
async function health(url: string): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const startedAt = Date.now();
  const res = await fetch(`${url}/health`);
  return { status: res.status, ms: Date.now() - startedAt, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Games through a router of a cluster of its own (the tests stop its router and its shards), with
 * its database sharded as documented. Losing the router shows nowhere in mongoose (it tracks single
 * servers and replica sets); losing the shards' primaries does not even reach the driver.
 */
describe('/health and the log through a router', () => {
  let cluster: ShardedCluster;
  let games: TestGames;
  const { logger, lines } = capturedLogger();
  const messages = (level: number) => lines.filter((l) => l.level === level).map((l) => l.msg as string);
  beforeAll(async () => {
    cluster = await startShardedCluster({ binary: process.env.TEST_MONGOD_BINARY!, mongos: mongosOnPath() });
    games = await startTestGames({ mongoUri: `${cluster.uri}games_health`, logger });
  });
  afterAll(async () => {
    await games?.stop();
    await cluster?.stop();
  });

  it('When the router is lost, then /health answers 503 within 1 s and the log says MongoDB is disconnected and unreachable; when it is back, 200 and the log says so', async () => {
    // Arrange
    expect((await health(games.url)).status).toBe(200);
    lines.length = 0;

    // Act
    await cluster.router.kill();
    const down = await health(games.url);
    const downAgain = await health(games.url);

    // Assert
    expect(down).toMatchObject({ status: 503, body: { mongo: 'down' } });
    expect(down.ms).toBeLessThan(1_000);
    expect(downAgain.status).toBe(503);
    await eventually(async () => messages(40), (msgs) => msgs.includes('MongoDB disconnected'));
    expect(messages(40).filter((m) => m === 'MongoDB unreachable: /health answers 503')).toHaveLength(1);

    // Act: the router comes back
    await cluster.router.start();

    // Assert
    await eventually(() => health(games.url), (res) => res.status === 200, { timeoutMs: 20_000 });
    await eventually(async () => messages(30), (msgs) => msgs.includes('MongoDB reconnected') && msgs.includes('MongoDB reachable again: /health answers 200'));
  });

  it("When every shard's primary is lost, then /health answers 503 within 1 s though the router answers, and the log says MongoDB is unreachable; when they are back, 200", async () => {
    // Arrange
    await eventually(() => health(games.url), (res) => res.status === 200, { timeoutMs: 20_000 });
    lines.length = 0;

    // Act
    await Promise.all([cluster.shards.shA.kill(), cluster.shards.shB.kill()]);
    const down = await health(games.url);

    // Assert
    expect(down).toMatchObject({ status: 503, body: { mongo: 'down' } });
    expect(down.ms).toBeLessThan(1_000);
    expect(messages(40)).toEqual(['MongoDB unreachable: /health answers 503']);

    // Act: the shards come back
    await Promise.all([cluster.shards.shA.start(), cluster.shards.shB.start()]);

    // Assert
    await eventually(() => health(games.url), (res) => res.status === 200, { timeoutMs: 30_000 });
    expect(messages(30)).toContain('MongoDB reachable again: /health answers 200');
  });
});
