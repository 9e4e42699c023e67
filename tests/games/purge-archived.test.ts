import { afterEach, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import { useTestGames } from '../support/games-app.js';
import { PHASE_ONE_ARCHIVED_AT, PURGE_ARCHIVED, archivedOperation, deleteCallbackProbe, errorCode } from '../support/archived-operations.js';

const deleteCallback = deleteCallbackProbe();

describe('purgeArchived', () => {
  const games = useTestGames({ gameTablePlugins: [deleteCallback.plugin] });
  afterEach(() => {
    deleteCallback.refuse(null);
  });

  const purge = (operationId: string) => games.gql(PURGE_ARCHIVED, { operationId });
  const operation = (operationId: string) => games.models.AsyncOperation.findById(operationId).lean();

  describe('when the operation is a DEFERRED DELETE operation', () => {
    it('When it is purged, then every table is deleted through its callbacks and the operation is PROCESSED with purgedAt and purgedIds', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 3);

      // Act
      const res = await purge(operationId);

      // Assert: response
      expect(res.body.errors).toBeUndefined();
      const result = res.body.data!.purgeArchived;
      expect(result.operation).toMatchObject({ id: operationId, status: 'PROCESSED', actionType: 'DELETE' });
      expect(result.operation.purgedAt).toEqual(expect.any(String));
      expect(result.purgedIds).toEqual(ids);
      expect(result.failures).toEqual([]);
      // Assert: state
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids } })).toBe(0);
      expect(await operation(operationId)).toMatchObject({ status: 'PROCESSED', purgedAt: expect.any(Date), purgeLease: null });
      // Assert: callbacks fired once per table
      for (const id of ids) expect(deleteCallback.callsFor(id)).toBe(1);
    });

    it('When it is purged, then a destroy version with the operation id and the last values is written for each table', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 2);

      // Act
      await purge(operationId);

      // Assert
      const versions = await games.models.GameTableVersion.find({ gameTableId: { $in: ids }, event: 'destroy' }).lean();
      expect(versions).toHaveLength(2);
      for (const version of versions) {
        expect(String(version.operationId)).toBe(operationId);
        expect(version.changes).toMatchObject({ active: [false, null], archivedAt: [new Date(PHASE_ONE_ARCHIVED_AT), null] });
      }
    });

    it('When a callback refuses one table, then that table is kept and reported, and the others are purged', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 3);
      deleteCallback.refuse(ids[1]!);

      // Act
      const res = await purge(operationId);

      // Assert
      const result = res.body.data!.purgeArchived;
      expect(result.purgedIds).toEqual([ids[0], ids[2]]);
      expect(result.failures).toEqual([{ gameTableId: ids[1], message: `callback refused to delete ${ids[1]}` }]);
      expect(result.operation.status).toBe('PROCESSED');
      expect(await games.models.GameTable.findById(ids[1]).lean()).toMatchObject({ active: false });
      expect(await games.models.GameTableVersion.countDocuments({ gameTableId: ids[1], event: 'destroy' })).toBe(0);
      expect(await games.models.GameTable.countDocuments({ _id: { $in: [ids[0], ids[2]] } })).toBe(0);
    });

    it('When a table was re-activated since phase 1, then it is not deleted and is reported as a failure', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 2);
      await games.models.GameTable.updateOne({ _id: ids[0] }, { $set: { active: true, archivedAt: null } });

      // Act
      const res = await purge(operationId);

      // Assert
      const result = res.body.data!.purgeArchived;
      expect(result.purgedIds).toEqual([ids[1]]);
      expect(result.failures).toEqual([{ gameTableId: ids[0], message: expect.stringContaining('restored or re-activated') }]);
      expect(await games.models.GameTable.findById(ids[0]).lean()).toMatchObject({ active: true, archivedAt: null });
      expect(deleteCallback.callsFor(ids[0]!)).toBe(0);
    });

    it('When a table was archived again at another instant since phase 1, then it is not deleted and is reported as a failure', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 1);
      const later = new Date('2026-12-01T11:11:11.000Z');
      await games.models.GameTable.updateOne({ _id: ids[0] }, { $set: { archivedAt: later } });

      // Act
      const res = await purge(operationId);

      // Assert
      const result = res.body.data!.purgeArchived;
      expect(result.purgedIds).toEqual([]);
      expect(result.failures).toEqual([{ gameTableId: ids[0], message: expect.stringContaining(later.toISOString()) }]);
      expect(await games.models.GameTable.findById(ids[0]).lean()).toMatchObject({ active: false, archivedAt: later });
    });

    it('When a table is already gone, then it counts as purged', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 2);
      await games.models.GameTable.deleteOne({ _id: ids[0] });

      // Act
      const res = await purge(operationId);

      // Assert
      const result = res.body.data!.purgeArchived;
      expect(result.purgedIds).toEqual(ids);
      expect(result.failures).toEqual([]);
      expect(await games.models.GameTableVersion.countDocuments({ gameTableId: ids[0], event: 'destroy' })).toBe(0);
    });

    it('When a crashed purge left an expired claim, then the next purge takes over and finishes', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 2);
      const expired = { token: new Types.ObjectId(), expiresAt: new Date(Date.now() - 1_000) };
      await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { purgeLease: expired } });

      // Act
      const res = await purge(operationId);

      // Assert
      expect(res.body.data!.purgeArchived).toMatchObject({ purgedIds: ids, operation: { status: 'PROCESSED' } });
    });
  });

  describe('when it is purged more than once', () => {
    it('When a PROCESSED operation is purged again, then the earlier result is returned and nothing is deleted twice', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 2);
      deleteCallback.refuse(ids[0]!);
      const first = await purge(operationId);
      deleteCallback.refuse(null);

      // Act
      const second = await purge(operationId);

      // Assert
      expect(second.body.errors).toBeUndefined();
      expect(second.body.data).toEqual(first.body.data);
      expect(await games.models.GameTable.findById(ids[0]).lean()).not.toBeNull();
      expect(deleteCallback.callsFor(ids[1]!)).toBe(1);
      expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'destroy' })).toBe(1);
    });

    it('When two purges of one operation run at the same time, then each table is deleted once and both return the same result', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 20);

      // Act
      const [a, b] = await Promise.all([purge(operationId), purge(operationId)]);

      // Assert
      expect(a.body.errors).toBeUndefined();
      expect(b.body.data).toEqual(a.body.data);
      expect(a.body.data!.purgeArchived.purgedIds).toEqual(ids);
      for (const id of ids) expect(deleteCallback.callsFor(id)).toBe(1);
      expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'destroy' })).toBe(ids.length);
    });

    it('When another purge holds the operation, then a second purge deletes nothing and returns the holder\'s result', async () => {
      // Arrange: a live claim, as a running purge on another instance holds it
      const { operationId, ids } = await archivedOperation(games, 2);
      const live = { token: new Types.ObjectId(), expiresAt: new Date(Date.now() + 60_000) };
      await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { purgeLease: live } });

      // Act: the second purge waits; then the holder records its result
      const waiting = purge(operationId);
      await games.models.AsyncOperation.updateOne(
        { _id: operationId },
        { $set: { status: 'PROCESSED', purgedAt: new Date(), purgedIds: [ids[0]], purgeFailures: [], purgeLease: null } },
      );
      const res = await waiting;

      // Assert
      expect(res.body.data!.purgeArchived).toMatchObject({ purgedIds: [ids[0]], failures: [], operation: { status: 'PROCESSED' } });
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids } })).toBe(2);
      for (const id of ids) expect(deleteCallback.callsFor(id)).toBe(0);
    });
  });

  describe('when the operation cannot be purged, then nothing changes', () => {
    it('When the operation does not exist, then the mutation fails with NOT_FOUND', async () => {
      // Arrange
      const unknown = String(new Types.ObjectId());

      // Act
      const res = await purge(unknown);

      // Assert
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(res.body.errors![0]!.message).toContain(unknown);
    });

    it('When the operation id is not an ObjectId, then the mutation fails with BAD_USER_INPUT', async () => {
      // Act
      const res = await purge('not-an-id');

      // Assert
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0]!.message).toContain('operationId must be a 24-character hex ObjectId');
    });

    it('When the operation is an ARCHIVE operation, then the mutation fails with BAD_USER_INPUT because archive operations are kept', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 1, { actionType: 'ARCHIVE' });

      // Act
      const res = await purge(operationId);

      // Assert
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0]!.message).toContain('archive operations are kept');
      expect(await games.models.GameTable.countDocuments({ _id: { $in: ids } })).toBe(1);
      expect(await operation(operationId)).toMatchObject({ status: 'DEFERRED', purgeLease: null });
    });

    it.each(['RECEIVED', 'IN_PROGRESS', 'FAILED', 'RESTORED'])(
      'When the operation is %s, then the mutation fails with BAD_USER_INPUT naming the status',
      async (status) => {
        // Arrange
        const { operationId, ids } = await archivedOperation(games, 1);
        await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { status } });

        // Act
        const res = await purge(operationId);

        // Assert
        expect(errorCode(res)).toBe('BAD_USER_INPUT');
        expect(res.body.errors![0]!.message).toContain(`is ${status}`);
        expect(await games.models.GameTable.countDocuments({ _id: { $in: ids } })).toBe(1);
        expect(await operation(operationId)).toMatchObject({ status, purgedAt: null, purgedIds: [] });
      },
    );
  });
});
