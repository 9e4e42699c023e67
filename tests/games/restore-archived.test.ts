import { afterEach, describe, expect, it } from '@jest/globals';
import { Types } from 'mongoose';
import type { SchemaPlugin } from '../../games/src/data-access/game-table.model.js';
import { useTestGames } from '../support/games-app.js';
import { PHASE_ONE_ARCHIVED_AT, PURGE_ARCHIVED, RESTORE_ARCHIVED, archivedOperation, errorCode } from '../support/archived-operations.js';

/** The table whose re-activation a save callback refuses. */
let refuseRestoreOf: string | null = null;

const saveCallback: SchemaPlugin = (schema) => {
  schema.pre('save', function (this: { _id: unknown; active: boolean }) {
    if (this.active && String(this._id) === refuseRestoreOf) throw new Error(`callback refused to restore ${refuseRestoreOf}`);
  });
};

describe('restoreArchived', () => {
  const games = useTestGames({ gameTablePlugins: [saveCallback] });
  afterEach(() => {
    refuseRestoreOf = null;
  });

  const restore = (operationId: string) => games.gql(RESTORE_ARCHIVED, { operationId });
  const operation = (operationId: string) => games.models.AsyncOperation.findById(operationId).lean();
  const archivedCount = (ids: string[]) => games.models.GameTable.countDocuments({ _id: { $in: ids }, active: false });

  it.each(['DELETE', 'ARCHIVE'] as const)(
    'When a DEFERRED %s operation is restored, then its tables are active again, versioned with the operation id, and it is RESTORED',
    async (actionType) => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 3, { actionType });

      // Act
      const res = await restore(operationId);

      // Assert: response
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.restoreArchived).toMatchObject({ id: operationId, status: 'RESTORED', actionType, purgedAt: null });
      // Assert: state
      const tables = await games.models.GameTable.find({ _id: { $in: ids } }).lean();
      expect(tables.map((table) => [table.active, table.archivedAt])).toEqual(ids.map(() => [true, null]));
      const versions = await games.models.GameTableVersion.find({ gameTableId: { $in: ids }, operationId, event: 'update', 'changes.active.1': true }).lean();
      expect(versions).toHaveLength(3);
      expect(versions[0]!.changes.archivedAt).toEqual([new Date(PHASE_ONE_ARCHIVED_AT), null]);
      expect(await operation(operationId)).toMatchObject({ status: 'RESTORED' });
    },
  );

  it('When a table was archived again by a later request, then restore leaves it archived at that later instant', async () => {
    // Arrange
    const { operationId, ids } = await archivedOperation(games, 2);
    const later = new Date('2026-12-01T11:11:11.000Z');
    await games.models.GameTable.updateOne({ _id: ids[0] }, { $set: { archivedAt: later } });

    // Act
    const res = await restore(operationId);

    // Assert
    expect(res.body.data!.restoreArchived.status).toBe('RESTORED');
    expect(await games.models.GameTable.findById(ids[0]).lean()).toMatchObject({ active: false, archivedAt: later });
    expect(await games.models.GameTable.findById(ids[1]).lean()).toMatchObject({ active: true, archivedAt: null });
  });

  it('When a callback refuses one table, then nothing is restored and the operation stays DEFERRED', async () => {
    // Arrange
    const { operationId, ids } = await archivedOperation(games, 3);
    refuseRestoreOf = ids[2]!;

    // Act
    const res = await restore(operationId);

    // Assert: one transaction, all or nothing, and a refusal the caller can read
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(res.body.errors![0]!.message).toMatch(/not restored, nothing changed: .*refused/);
    expect(await archivedCount(ids)).toBe(3);
    expect(await games.models.GameTableVersion.countDocuments({ gameTableId: { $in: ids }, event: 'update', 'changes.active.1': true })).toBe(0);
    expect(await operation(operationId)).toMatchObject({ status: 'DEFERRED' });
  });

  it('When a restored operation is purged, then it fails with BAD_USER_INPUT naming RESTORED and the tables stay', async () => {
    // Arrange
    const { operationId, ids } = await archivedOperation(games, 2);
    await restore(operationId);

    // Act
    const res = await games.gql(PURGE_ARCHIVED, { operationId });

    // Assert
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0]!.message).toContain('is RESTORED');
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids }, active: true })).toBe(2);
  });

  describe('when the operation cannot be restored, then nothing changes', () => {
    it('When the operation was already purged (PROCESSED), then restore fails with BAD_USER_INPUT', async () => {
      // Arrange
      const { operationId } = await archivedOperation(games, 1);
      await games.gql(PURGE_ARCHIVED, { operationId });

      // Act
      const res = await restore(operationId);

      // Assert
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0]!.message).toContain('is PROCESSED');
      expect(await operation(operationId)).toMatchObject({ status: 'PROCESSED' });
    });

    it.each(['RECEIVED', 'IN_PROGRESS', 'FAILED', 'RESTORED'])(
      'When the operation is %s, then restore fails with BAD_USER_INPUT naming the status',
      async (status) => {
        // Arrange
        const { operationId, ids } = await archivedOperation(games, 1);
        await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { status } });

        // Act
        const res = await restore(operationId);

        // Assert
        expect(errorCode(res)).toBe('BAD_USER_INPUT');
        expect(res.body.errors![0]!.message).toContain(`is ${status}`);
        expect(await archivedCount(ids)).toBe(1);
        expect(await operation(operationId)).toMatchObject({ status });
      },
    );

    it('When a purge of the operation is in progress, then restore fails with CONFLICT', async () => {
      // Arrange: a live claim, as a running purge holds it
      const { operationId, ids } = await archivedOperation(games, 1);
      const live = { token: new Types.ObjectId(), expiresAt: new Date(Date.now() + 60_000) };
      await games.models.AsyncOperation.updateOne({ _id: operationId }, { $set: { purgeLease: live } });

      // Act
      const res = await restore(operationId);

      // Assert
      expect(errorCode(res)).toBe('CONFLICT');
      expect(await archivedCount(ids)).toBe(1);
      expect(await operation(operationId)).toMatchObject({ status: 'DEFERRED', purgeLease: live });
    });

    it('When the operation does not exist, then restore fails with NOT_FOUND', async () => {
      // Act
      const res = await restore(String(new Types.ObjectId()));

      // Assert
      expect(errorCode(res)).toBe('NOT_FOUND');
    });
  });
});
