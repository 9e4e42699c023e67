import { describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { useTestGames } from '../support/games-app.js';

const newIds = (n: number) => Array.from({ length: n }, () => String(new Types.ObjectId()));

describe('cleanupGameTables input validation', () => {
  const games = useTestGames();

  const storedCount = async () =>
    (await games.models.IntegrationMessage.countDocuments()) + (await games.models.AsyncOperation.countDocuments());

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no ids', { ids: [] }, /at least 1 id/],
    ['501 ids', { ids: newIds(501) }, /at most 500 ids/],
    ['an id that is not 24 hex characters', { ids: ['not-an-id', ...newIds(1)] }, /24-character hex ObjectId; invalid: not-an-id/],
    ['the same id twice', { ids: ['65ab12cd34ef56ab78cd90ef', '65AB12CD34EF56AB78CD90EF'] }, /must not contain duplicates/],
    ['an empty idempotency key', { ids: newIds(1), idempotencyKey: '' }, /idempotencyKey must be 1 to 200 characters/],
  ];

  it.each(cases)('When the request has %s, then it fails with BAD_USER_INPUT naming the problem and stores nothing', async (_case, override, problem) => {
    // Arrange
    const before = await storedCount();

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { actionType: 'DELETE', archivedAt: ARCHIVED_AT, ...override });

    // Assert
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toMatch(problem);
    expect(res.body.errors![0]!.extensions).not.toHaveProperty('stacktrace');
    expect(await storedCount()).toBe(before);
  });

  it.each([
    ['an unknown actionType', { actionType: 'DESTROY' }],
    ['an archivedAt that is not a date-time', { archivedAt: 'yesterday' }],
  ])('When the request has %s, then it fails with BAD_USER_INPUT (HTTP 400) and stores nothing', async (_case, override) => {
    // Arrange
    const before = await storedCount();

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids: newIds(1), actionType: 'DELETE', archivedAt: ARCHIVED_AT, ...override });

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(await storedCount()).toBe(before);
  });

  it('When exactly 500 ids are sent, then the request is accepted', async () => {
    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids: newIds(500), actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT, async: false });

    // Assert: unknown ids are failures, not errors
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.cleanupGameTables).toMatchObject({ status: 'DEFERRED', requestedCount: 500 });
    expect(res.body.data!.cleanupGameTables.failures).toHaveLength(500);
  });
});
