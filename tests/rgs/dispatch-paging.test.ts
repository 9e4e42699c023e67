import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { useStarted } from '../support/use-started.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs } from './support/rgs-app.js';

/** A finished run with `count` SENT dispatches written directly (ids ascending = written order). */
async function seedRunWithDispatches(rgs: ReturnType<typeof useRgs>, count: number): Promise<{ runId: string; dispatchIds: string[] }> {
  const now = new Date();
  const runId = new Types.ObjectId();
  await rgs.models.CleanupRun.collection.insertOne({
    _id: runId, status: 'COMPLETED', environmentId: null, archivedAt: now, serversTotal: 1, serversDone: 1, deletedCount: count, archivedCount: 0,
    failures: [], environments: [], kickoffDone: true, startedAt: now, finishedAt: now, createdAt: now, updatedAt: now,
  });
  const dispatches = Array.from({ length: count }, (_, i) => ({
    _id: new Types.ObjectId(), runId, serverId: new Types.ObjectId(), actionType: 'DELETE', boIds: Array.from({ length: i + 1 }, () => new Types.ObjectId()),
    archivedAt: now, status: 'SENT', attempts: 1, nextAttemptAt: now, lastError: null, gamesOperationId: null, sentAt: now, createdAt: now,
  }));
  await rgs.models.Dispatch.collection.insertMany(dispatches);
  return { runId: String(runId), dispatchIds: dispatches.map((d) => String(d._id)) };
}

const useRgs = () => useStarted(() => startTestRgs({ gamesClient: new RecordingGamesClient() }));

describe('CleanupRun.dispatches, a page at a time', () => {
  const rgs = useRgs();

  it('When dispatches are asked for without arguments, then all of a small run come back in written order, with their counts', async () => {
    // Arrange
    const { runId, dispatchIds } = await seedRunWithDispatches(rgs, 3);

    // Act
    const res = await rgs.gql('query($id: ID!) { cleanupRun(id: $id) { dispatches { id count } } }', { id: runId });

    // Assert
    expect(res.body.data!.cleanupRun.dispatches).toEqual(dispatchIds.map((id, i) => ({ id, count: i + 1 })));
  });

  it('When pages of 2 are walked with after, then every dispatch comes exactly once', async () => {
    // Arrange
    const { runId, dispatchIds } = await seedRunWithDispatches(rgs, 5);
    const page = 'query($id: ID!, $after: ID) { cleanupRun(id: $id) { dispatches(first: 2, after: $after) { id } } }';

    // Act
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 4; i++) {
      const ids: string[] = (await rgs.gql(page, { id: runId, after })).body.data!.cleanupRun.dispatches.map((d: { id: string }) => d.id);
      seen.push(...ids);
      after = ids.at(-1) ?? after;
    }

    // Assert
    expect(seen).toEqual(dispatchIds);
  });

  it('When several runs are listed with their dispatches, then each run gets its own page', async () => {
    // Arrange
    const a = await seedRunWithDispatches(rgs, 3);
    const b = await seedRunWithDispatches(rgs, 2);

    // Act
    const res = await rgs.gql('{ cleanupRuns(first: 100) { id dispatches(first: 2) { id } } }');

    // Assert
    const byRun = new Map(res.body.data!.cleanupRuns.map((r: { id: string; dispatches: Array<{ id: string }> }) => [r.id, r.dispatches.map((d) => d.id)]));
    expect(byRun.get(a.runId)).toEqual(a.dispatchIds.slice(0, 2));
    expect(byRun.get(b.runId)).toEqual(b.dispatchIds);
  });

  it.each([0, 501])('When first is %i, then it is refused with BAD_USER_INPUT', async (first) => {
    // Arrange
    const { runId } = await seedRunWithDispatches(rgs, 1);

    // Act
    const res = await rgs.gql('query($id: ID!, $first: Int) { cleanupRun(id: $id) { dispatches(first: $first) { id } } }', { id: runId, first });

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
