import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { eventually } from '../support/eventually.js';
import { startTestGames, TEST_GAMES_TOKEN, type TestGames } from '../support/games-app.js';
import { freshDatabaseUri } from '../support/mongo.js';
import { freePort } from './support/free-port.js';
import { createGamesTablesOffline } from './support/games-tables.js';
import { startTestRgs, useConnectedServices, type TestRgs } from './support/rgs-app.js';
import { allSent, isCompleted, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

/**
 * An RGS whose Games is not running yet (with `env` on top); `startGames()` brings Games up where
 * RGS expects it, on a database of its own (`gamesUri`).
 */
function useRgsWithGamesAway(env: Record<string, string>) {
  let gamesPort: number;
  const fixture = {
    gamesUri: freshDatabaseUri('games'),
    rgs: undefined as unknown as TestRgs,
    games: undefined as TestGames | undefined,
    startGames: async () => {
      fixture.games = await startTestGames({ mongoUri: fixture.gamesUri, env: { GAMES_PORT: String(gamesPort), CLEANUP_LOCK_LIFETIME_MS: '4000' } });
      return fixture.games;
    },
  };
  beforeAll(async () => {
    gamesPort = await freePort();
    fixture.rgs = await startTestRgs({ env: { GAMES_URL: `http://127.0.0.1:${gamesPort}`, GAMES_API_TOKEN: TEST_GAMES_TOKEN, ...env } });
  });
  afterAll(async () => {
    await fixture.rgs.stop();
    await fixture.games?.stop();
  });
  return fixture;
}

describe('the outbox to Games', () => {
  describe('when Games is down while a run writes its dispatches, and comes up later', () => {
    const away = useRgsWithGamesAway({ DISPATCH_MAX_ATTEMPTS: '1000' });

    it('Then every id reaches Games once, each dispatch as one operation, and a repeated send creates nothing new', async () => {
      const { rgs, gamesUri } = away;
      // Arrange: 7 Games tables, known to RGS by their boIds; Games is not running
      const boIds = await createGamesTablesOffline(gamesUri, 7);
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const server = await seedServer(rgs.models, environment._id);
      await seedTables(rgs.models, server._id, { noTraffic: 4, traffic: 3 }, { boIds });

      // Act 1: the run commits its local changes and dispatches while Games is unreachable
      const runId = await startCleanup(rgs, String(environment._id));
      const whileDown = await waitForRun(
        rgs,
        runId,
        (run) => isCompleted(run) && run.dispatches.length === 2 && run.dispatches.every((d: any) => d.status === 'PENDING' && d.attempts >= 2),
      );

      // Assert 1: nothing is lost, only waiting; the reason is visible
      expect(whileDown).toMatchObject({ deletedCount: 4, archivedCount: 3 });
      for (const dispatch of whileDown.dispatches) expect(dispatch.lastError).toMatch(/Games unreachable/);
      expect(await rgs.models.GameTable.countDocuments({ serverId: server._id, active: true })).toBe(0);

      // Act 2: Games comes up where RGS expects it
      const games = await away.startGames();
      const afterUp = await waitForRun(rgs, runId, allSent);

      // Assert 2: one Games operation per dispatch, keyed by the dispatch id, every id exactly once
      const messages = await games.models.IntegrationMessage.find({}).lean();
      expect(messages.map((m) => m.idempotencyKey).sort()).toEqual(afterUp.dispatches.map((d: any) => d.id).sort());
      expect(messages.flatMap((m) => m.gameTableIds.map(String)).sort()).toEqual([...boIds].sort());
      const operations = await eventually(
        () => games.models.AsyncOperation.find({}).lean(),
        (ops) => ops.length === 2 && ops.every((op) => op.status === 'DEFERRED'),
      );
      expect(operations.map((op) => String(op._id)).sort()).toEqual(afterUp.dispatches.map((d: any) => d.gamesOperationId).sort());

      // Act 3: a dispatch is sent again, as after a crash between the call and recording SENT
      const [again] = afterUp.dispatches;
      await rgs.models.Dispatch.updateOne({ _id: again.id }, { $set: { status: 'PENDING', nextAttemptAt: new Date() } });
      const resent = await eventually(
        () => rgs.models.Dispatch.findById(again.id).lean(),
        (d) => d?.status === 'SENT' && d.attempts === again.attempts + 1,
      );

      // Assert 3: Games answered with the same operation and recorded nothing new
      expect(resent!.gamesOperationId).toBe(again.gamesOperationId);
      expect(await games.models.IntegrationMessage.countDocuments()).toBe(2);
      expect(await games.models.AsyncOperation.countDocuments()).toBe(2);
    });
  });

  describe('when Games comes back while dispatches wait out a long backoff', () => {
    // A ten-minute backoff after the first failure: only recovery can send them within the test.
    const away = useRgsWithGamesAway({ DISPATCH_BACKOFF_MS: '600000', DISPATCH_BACKOFF_MAX_MS: '600000', DISPATCH_INTERVAL_MS: '500' });

    it('Then its /health ends the backoff and every pending dispatch is sent at the next round', async () => {
      // Arrange: a run whose dispatches failed once and now back off for ten minutes
      const { rgs, gamesUri } = away;
      const boIds = await createGamesTablesOffline(gamesUri, 3);
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const server = await seedServer(rgs.models, environment._id);
      await seedTables(rgs.models, server._id, { noTraffic: 2, traffic: 1 }, { boIds });
      const runId = await startCleanup(rgs, String(environment._id));
      await waitForRun(rgs, runId, (run) => isCompleted(run) && run.dispatches.length === 2 && run.dispatches.every((d: any) => d.attempts === 1));

      // Act: Games comes up where RGS expects it
      await away.startGames();

      // Assert: sent long before the backoff ends, each with its second attempt
      const sent = await waitForRun(rgs, runId, allSent);
      for (const dispatch of sent.dispatches) expect(dispatch.attempts).toBe(2);
    });
  });

  describe('when Games stays down longer than the retry budget', () => {
    let rgs: TestRgs;
    beforeAll(async () => {
      rgs = await startTestRgs({ env: { GAMES_URL: `http://127.0.0.1:${await freePort()}`, DISPATCH_MAX_ATTEMPTS: '3' } });
    });
    afterAll(async () => {
      await rgs.stop();
    });

    it('Then the dispatch is FAILED after exactly the allowed attempts, with the last error, and the local change stays recorded', async () => {
      // Arrange
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const server = await seedServer(rgs.models, environment._id);
      await seedTables(rgs.models, server._id, { noTraffic: 2 });

      // Act
      const runId = await startCleanup(rgs, String(environment._id));
      const run = await waitForRun(rgs, runId, (r) => isCompleted(r) && r.dispatches.length === 1 && r.dispatches[0].status === 'FAILED');

      // Assert
      expect(run.dispatches[0]).toMatchObject({ actionType: 'DELETE', count: 2, attempts: 3, gamesOperationId: null });
      expect(run.dispatches[0].lastError).toMatch(/Games unreachable/);
      const stored = await rgs.models.Dispatch.findById(run.dispatches[0].id).lean();
      expect(stored!.boIds).toHaveLength(2);
    });
  });

  describe('when Games rejects a dispatch as invalid', () => {
    const { games, rgs } = useConnectedServices({ DISPATCH_MAX_ATTEMPTS: '1000' });

    it('Then it is FAILED after one attempt with Games\' code and message, since sending it again cannot succeed', async () => {
      // Arrange: a row Games must refuse (no ids), written past the model's validation
      const _id = new Types.ObjectId();
      await rgs.models.Dispatch.collection.insertOne({
        _id,
        runId: new Types.ObjectId(),
        serverId: new Types.ObjectId(),
        actionType: 'DELETE',
        boIds: [],
        archivedAt: new Date('2026-11-25T11:11:11Z'),
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: new Date(),
        lastError: null,
        gamesOperationId: null,
      });

      // Act
      const dispatch = await eventually(() => rgs.models.Dispatch.findById(_id).lean(), (d) => d?.status !== 'PENDING');

      // Assert
      expect(dispatch).toMatchObject({ status: 'FAILED', attempts: 1, gamesOperationId: null });
      expect(dispatch!.lastError).toMatch(/^Games answered BAD_USER_INPUT: .*at least 1 id/);
      expect(await games.models.IntegrationMessage.countDocuments()).toBe(0);
    });
  });
});
