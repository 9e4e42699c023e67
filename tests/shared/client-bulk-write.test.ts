import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { createLogger } from '../../shared/src/logger.js';
import { clientBulkWrite, insertWrite, isDuplicateKeyError } from '../../shared/src/mongo/client-bulk-write.js';
import { connectMongo, ensureCollections } from '../../shared/src/mongo/connect.js';
import { freshDatabaseUri } from '../support/mongo.js';

interface Note {
  key: string;
  size: number;
  tags: Types.ObjectId[];
  state: string;
}

describe('writes of several collections in one round trip (client bulk write)', () => {
  let conn: Connection;
  let Notes: Model<Note>;
  beforeAll(async () => {
    conn = await connectMongo(freshDatabaseUri('client_bulk_write'), createLogger({ name: 'test', level: 'silent' }));
    const schema = new Schema<Note>(
      { key: { type: String, required: true }, size: { type: Number, min: 1 }, tags: [Schema.Types.ObjectId], state: { type: String, default: 'NEW' } },
      { timestamps: true },
    );
    schema.index({ key: 1 }, { unique: true });
    Notes = conn.model<Note>('Note', schema);
    await ensureCollections(conn);
  });
  afterAll(async () => {
    await conn.close();
  });

  it('When a document is inserted as a bulk write, then it is stored as Model.create stores it: cast, defaults, timestamps, version key', async () => {
    // Act
    const created = await Notes.create({ key: 'created', size: 2, tags: [new Types.ObjectId().toHexString()] as never });
    const { document, write } = await insertWrite(Notes, { key: 'bulk', size: 2, tags: [new Types.ObjectId().toHexString()] as never });
    await clientBulkWrite(conn.getClient(), [write], {});

    // Assert
    const shape = (doc: Record<string, unknown>) => Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, v?.constructor?.name ?? typeof v]));
    const [a, b] = await Promise.all([Notes.collection.findOne({ _id: created._id }), Notes.collection.findOne({ _id: document._id })]);
    expect(shape(b!)).toEqual(shape(a!));
    expect(b).toMatchObject({ state: 'NEW', __v: 0, tags: [expect.any(Types.ObjectId)] });
  });

  it('When a document is invalid, then insertWrite refuses it before anything is written', async () => {
    await expect(insertWrite(Notes, { key: 'invalid', size: 0 })).rejects.toThrow(/size/);
    expect(await Notes.countDocuments({ key: 'invalid' })).toBe(0);
  });

  it('When a write hits a unique index, then the error is a duplicate key and the ordered writes after it are not made', async () => {
    // Arrange
    const first = await insertWrite(Notes, { key: 'twice' });
    await clientBulkWrite(conn.getClient(), [first.write], {});

    // Act
    const again = await insertWrite(Notes, { key: 'twice' });
    const after = await insertWrite(Notes, { key: 'after-the-duplicate' });
    const err = await clientBulkWrite(conn.getClient(), [again.write, after.write], {}).catch((e: unknown) => e);

    // Assert
    expect(isDuplicateKeyError(err)).toBe(true);
    expect(await Notes.countDocuments({ key: 'after-the-duplicate' })).toBe(0);
  });

  it('When two transactions write the same key at once, then the second fails with a retryable transaction error, not a bulk write error without labels', async () => {
    // Arrange: the first transaction holds the key, uncommitted
    const [s1, s2] = [conn.getClient().startSession(), conn.getClient().startSession()];
    s1.startTransaction();
    s2.startTransaction();
    await clientBulkWrite(conn.getClient(), [(await insertWrite(Notes, { key: 'contended' })).write], { session: s1 });

    // Act
    const err = await clientBulkWrite(conn.getClient(), [(await insertWrite(Notes, { key: 'contended' })).write], { session: s2 }).catch((e: unknown) => e);

    // Assert: the driver's withTransaction retries on this label
    expect((err as { hasErrorLabel(label: string): boolean }).hasErrorLabel('TransientTransactionError')).toBe(true);
    await Promise.all([s1.abortTransaction(), s2.abortTransaction().catch(() => {})]);
    await Promise.all([s1.endSession(), s2.endSession()]);
  });
});
