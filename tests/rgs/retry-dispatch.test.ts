import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useConnectedServices } from './support/rgs-app.js';

const RETRY = `mutation Retry($id: ID!) { retryDispatch(id: $id) { id status attempts count gamesOperationId lastError } }`;

describe('retryDispatch', () => {
  const { games, rgs } = useConnectedServices();

  /** A dispatch the outbox gave up on, e.g. after Games was down longer than the retry budget. */
  const insertDispatch = async (status: 'FAILED' | 'SENT', boIds: string[]) => {
    const _id = new Types.ObjectId();
    await rgs.models.Dispatch.collection.insertOne({
      _id,
      runId: new Types.ObjectId(),
      serverId: new Types.ObjectId(),
      actionType: 'ARCHIVE',
      boIds: boIds.map((id) => new Types.ObjectId(id)),
      archivedAt: new Date('2026-11-25T11:11:11Z'),
      status,
      attempts: 12,
      nextAttemptAt: new Date(),
      lastError: 'Games unreachable: connect ECONNREFUSED',
      gamesOperationId: null,
    });
    return String(_id);
  };

  it('When a FAILED dispatch is retried, then it is queued with a fresh budget and reaches Games', async () => {
    // Arrange
    const boIds = await createGameTables(games.models.GameTable, 3);
    const id = await insertDispatch('FAILED', boIds);

    // Act
    const res = await rgs.gql(RETRY, { id });

    // Assert: response, then the outbox sends it
    expect(res.body.data!.retryDispatch).toMatchObject({ id, status: 'PENDING', attempts: 0, count: 3 });
    const sent = await eventually(() => rgs.models.Dispatch.findById(id).lean(), (d) => d?.status === 'SENT');
    const operation = await games.models.AsyncOperation.findById(sent!.gamesOperationId).lean();
    expect(operation).toMatchObject({ actionType: 'ARCHIVE', requestedCount: 3 });
  });

  it('When a dispatch that is not FAILED is retried, then it fails with BAD_USER_INPUT naming its status and nothing changes', async () => {
    // Arrange
    const id = await insertDispatch('SENT', [String(new Types.ObjectId())]);

    // Act
    const res = await rgs.gql(RETRY, { id });

    // Assert
    expect(res.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toMatch(/is SENT; only FAILED dispatches can be retried/);
    expect(await rgs.models.Dispatch.findById(id).lean()).toMatchObject({ status: 'SENT', attempts: 12 });
  });

  it('When the dispatch does not exist, then it fails with NOT_FOUND', async () => {
    const res = await rgs.gql(RETRY, { id: String(new Types.ObjectId()) });
    expect(res.body.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});
