import { afterEach, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { SENDS_IN_FLIGHT } from '../../rgs/src/domain/outbox-dispatcher.service.js';
import { CleanupAction, DispatchStatus } from '../../rgs/src/domain/statuses.js';
import { agendaDispatchTrigger, DISPATCH_TO_GAMES_JOB } from '../../rgs/src/entry-points/jobs/outbox-dispatch.job.js';
import { useStarted } from '../support/use-started.js';
import { eventually } from '../support/eventually.js';
import { GatedGamesClient } from './support/gated-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';

/**
 * The race of issue 11: a slice committed while a dispatcher round is running. The interval (the
 * safety net) is an hour here, so only the wake-up can send the slice in time. Each test has its
 * own RGS, so no round of another test is running.
 */
describe('the outbox wake-up while a round is running', () => {
  const games = new GatedGamesClient();
  afterEach(() => games.open());

  /** What a slice's transaction writes: one PENDING dispatch, due at once (or FAILED, for retryDispatch). */
  const insertPendingSlice = async (rgs: TestRgs, status: DispatchStatus = DispatchStatus.PENDING): Promise<Types.ObjectId> => {
    const [dispatch] = await rgs.models.Dispatch.create([
      {
        _id: new Types.ObjectId(),
        runId: new Types.ObjectId(),
        serverId: new Types.ObjectId(),
        actionType: CleanupAction.DELETE,
        boIds: [new Types.ObjectId()],
        archivedAt: new Date('2026-11-25T11:11:11Z'),
        status,
        nextAttemptAt: new Date(),
      },
    ]);
    return dispatch!._id;
  };
  /** A slice committed, then the wake-up the cleaner sends after the commit. */
  const commitSlice = async (rgs: TestRgs): Promise<Types.ObjectId> => {
    const id = await insertPendingSlice(rgs);
    await agendaDispatchTrigger(rgs.agenda).trigger();
    return id;
  };
  const statusesOf = async (rgs: TestRgs, ids: Types.ObjectId[]) =>
    (await rgs.models.Dispatch.find({ _id: { $in: ids } }).lean()).map((d) => d.status);
  /** Starts a round of the wake-up job that holds in Games' call for a first slice. */
  const busyRound = async (rgs: TestRgs): Promise<Types.ObjectId> => {
    // The interval's first round runs at start-up; the slice must be sent by a wake-up round.
    const agendaJobs = rgs.conn.db!.collection('agendaJobs');
    await eventually(() => agendaJobs.countDocuments({ name: DISPATCH_TO_GAMES_JOB, 'data.trigger': 'interval', lastFinishedAt: { $ne: null } }), (n) => n === 1);
    games.close();
    const first = await commitSlice(rgs);
    await eventually(async () => games.waiting.length, (n) => n === 1);
    return first;
  };
  const hourLongInterval = () => startTestRgs({ gamesClient: games, env: { DISPATCH_INTERVAL_MS: String(60 * 60_000) } });

  describe('when a slice commits while the round sends an earlier one', () => {
    const rgs = useStarted(hourLongInterval);

    it('Then both are sent without waiting for the interval', async () => {
      // Arrange: a round is busy sending the first slice (Games holds the call)
      const first = await busyRound(rgs);

      // Act: a second slice commits meanwhile; then Games answers
      const second = await commitSlice(rgs);
      games.open();

      // Assert: both reach Games, long before the hour-long interval
      await eventually(() => statusesOf(rgs, [first, second]), (s) => s.length === 2 && s.every((x) => x === 'SENT'), { timeoutMs: 5_000 });
      expect(games.calls.map((c) => c.idempotencyKey).sort()).toEqual([String(first), String(second)].sort());
    });
  });

  describe('when the wake-up of a slice arrives just as the round ends', () => {
    const rgs = useStarted(hourLongInterval);

    /**
     * Saves a wake-up right before Agenda records the end of the running round (once): the
     * interleaving of a slice whose trigger comes after the round's last claim.
     */
    const wakeUpAsTheRoundEnds = () => {
      const jobs = rgs.agenda.db;
      const saveJobState = jobs.saveJobState.bind(jobs);
      jobs.saveJobState = async (job, options) => {
        // The end of a round is the save that releases the lock (a heartbeat renews it).
        if (job.name === DISPATCH_TO_GAMES_JOB && (job.data as { trigger?: string }).trigger === 'slice-written' && !job.lockedAt) {
          jobs.saveJobState = saveJobState;
          const wakeUp = agendaDispatchTrigger(rgs.agenda).trigger();
          const ended = saveJobState(job, options);
          await Promise.all([wakeUp, ended]);
          return;
        }
        await saveJobState(job, options);
      };
    };

    it('Then the slice is sent by a round started at once, not left for the interval', async () => {
      // Arrange: a round is busy sending a slice; a second slice commits meanwhile, and its
      // wake-up will be saved only once the round has made its last claim
      const first = await busyRound(rgs);
      const second = await insertPendingSlice(rgs);
      wakeUpAsTheRoundEnds();

      // Act: Games answers and the round ends
      games.open();

      // Assert: the late slice is sent too, long before the hour-long interval
      await eventually(() => statusesOf(rgs, [first, second]), (s) => s.length === 2 && s.every((x) => x === 'SENT'), { timeoutMs: 5_000 });
    });
  });

  describe('when a wake-up is saved while a round runs', () => {
    const rgs = useStarted(hourLongInterval);

    it("Then it is kept apart from the running round's job, whose end cannot erase it", async () => {
      // Arrange: a wake-up round holds in Games' call
      const running: string[] = [];
      rgs.agenda.on(`start:${DISPATCH_TO_GAMES_JOB}`, (job) => running.push(String(job.attrs._id)));
      await busyRound(rgs);
      const roundJobId = running.at(-1)!;

      // Act: a slice's wake-up arrives
      await agendaDispatchTrigger(rgs.agenda).trigger();

      // Assert: it armed a job of its own, due now; the running round's job still holds its lock
      const agendaJobs = rgs.conn.db!.collection('agendaJobs');
      const others = await agendaJobs.find({ name: DISPATCH_TO_GAMES_JOB, 'data.trigger': 'slice-written', _id: { $ne: new Types.ObjectId(roundJobId) } }).toArray();
      expect(others).toHaveLength(1);
      expect(others[0]!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect((await agendaJobs.findOne({ _id: new Types.ObjectId(roundJobId) }))!.lockedAt).not.toBeNull();
    });
  });

  describe('when slices pile up while the round sends an earlier one', () => {
    const rgs = useStarted(hourLongInterval);

    it(`Then the round sends them ${SENDS_IN_FLIGHT} at a time, not one after another`, async () => {
      // Arrange: a round holds in Games' call for a first slice; more than a round may send at once commit meanwhile
      const first = await busyRound(rgs);
      const backlog = await Promise.all(Array.from({ length: SENDS_IN_FLIGHT + 2 }, () => insertPendingSlice(rgs)));

      // Act: Games answers the first call and holds the next ones
      games.openOnce();

      // Assert: the round's lanes claim the backlog together: as many calls wait in Games at once as a round may make
      await eventually(async () => games.waiting.length, (n) => n === SENDS_IN_FLIGHT, { timeoutMs: 5_000 });
      games.open();
      await eventually(() => statusesOf(rgs, [first, ...backlog]), (s) => s.length === backlog.length + 1 && s.every((x) => x === 'SENT'), { timeoutMs: 5_000 });
    });
  });

  describe('when a slice is queued in this process while its round is in a call to Games', () => {
    const rgs = useStarted(hourLongInterval);

    it('Then the running round takes it at once, beside the held call', async () => {
      // Arrange: a round holds in Games' call for a first slice
      await busyRound(rgs);
      const failed = await insertPendingSlice(rgs, DispatchStatus.FAILED);

      // Act: a person retries a failed dispatch (the same wake-up as a committed slice)
      const res = await rgs.gql('mutation Retry($id: ID!) { retryDispatch(id: $id) { id } }', { id: String(failed) });
      expect(res.body.errors).toBeUndefined();

      // Assert: its call reaches Games while the first is still held (no job, no new round)
      await eventually(async () => games.waiting.map((c) => c.idempotencyKey), (keys) => keys.includes(String(failed)), { timeoutMs: 2_000 });
    });
  });
});
