import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { Schema, type Connection, type HydratedDocument } from 'mongoose';
import { initializeTimestamps, schemaHooksOf } from '../../shared/src/mongoose/document-internals.js';
import { freshDatabaseUri } from '../support/mongo.js';

/**
 * What shared/src/mongoose/ relies on in mongoose, pinned against the plain library. When one fails
 * after an upgrade, revisit games/src/data-access/save-middleware.ts (the hooks) or
 * shared/src/mongo/client-bulk-write.ts (the timestamps), and docs/dependencies.md.
 */
describe("mongoose's document middleware storage (relied on by games/src/data-access/save-middleware.ts)", () => {
  let conn: Connection;
  const calls: string[] = [];
  const schema = new Schema({ label: String }, { timestamps: true });
  schema.plugin((s) => s.post('save', () => void calls.push('plugin post')));
  schema.pre('save', function () {
    calls.push(`pre ${String(this.get('label'))} session=${this.$session() ? 'given' : 'none'}`);
  });
  schema.post('save', (doc: HydratedDocument<unknown>) => void calls.push(`post ${String(doc.get('label'))}`));

  beforeAll(async () => {
    conn = await mongoose.createConnection(freshDatabaseUri('mongoose_contract')).asPromise();
  });
  afterAll(async () => {
    await conn.close();
  });

  it("When execPre and execPost 'save' run on a document, then its schema's save middleware runs, a plugin's included, without a write", async () => {
    // Arrange
    const Model = conn.model('ContractHooks', schema);
    const doc = new Model({ label: 'a' }) as HydratedDocument<unknown>;
    calls.length = 0;
    const session = await conn.startSession();

    // Act
    doc.$session(session);
    await schemaHooksOf(doc).execPre('save', doc, [{ session }]);
    await schemaHooksOf(doc).execPost('save', doc, [doc]);
    await session.endSession();

    // Assert
    expect(calls).toEqual(['pre a session=given', 'plugin post', 'post a']);
    expect(await Model.countDocuments()).toBe(0);
  });

  it("When Model.bulkSave saves documents, then it runs their middleware through the same storage (what save-middleware.ts stands in for)", async () => {
    // Arrange
    const Model = conn.model('ContractBulkSave', schema.clone());
    const doc = new Model({ label: 'b' });
    const hooks = schemaHooksOf(doc as HydratedDocument<unknown>);
    const seen: string[] = [];
    const execPre = hooks.execPre.bind(hooks);
    hooks.execPre = (name, context, args) => {
      seen.push(name);
      return execPre(name, context, args);
    };

    // Act
    await Model.bulkSave([doc]);

    // Assert
    expect(seen).toContain('save');
  });
});

describe("mongoose's timestamps method (relied on by shared/src/mongo/client-bulk-write.ts insertWrite)", () => {
  it('When initializeTimestamps runs on a new document of a schema with timestamps, then createdAt and updatedAt are set to one Date', () => {
    // Arrange
    const Model = new mongoose.Mongoose().model('ContractTimestamps', new Schema({ label: String }, { timestamps: true }));
    const doc = new Model({ label: 'c' });

    // Act
    initializeTimestamps(doc);

    // Assert
    expect(doc.get('createdAt')).toBeInstanceOf(Date);
    expect(doc.get('updatedAt')).toEqual(doc.get('createdAt'));
  });
});
