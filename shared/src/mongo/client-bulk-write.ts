import { mongo, type HydratedDocument, type Model } from 'mongoose';
import { initializeTimestamps } from '../mongoose/document-internals.js';

/** One write of a multi-collection `client.bulkWrite` (MongoDB 8.0+: several collections, one round trip). */
export type ClientWrite = mongo.ClientBulkWriteModel;

/**
 * A new document as one write of a client bulk write, prepared as `Model.create` prepares its
 * insert: defaults and casting (the constructor), timestamps, the version key, validation (which
 * throws, before anything is written). Mongoose's own `Connection#bulkWrite` does the same but
 * accepts model writes only; these mix with driver writes (an Agenda job).
 */
export async function insertWrite<T>(model: Model<T>, fields: Partial<T> & { _id?: mongo.ObjectId }): Promise<{ document: HydratedDocument<T>; write: ClientWrite }> {
  const document = new model(fields) as HydratedDocument<T>;
  const { timestamps, versionKey } = model.schema.options;
  if (timestamps) initializeTimestamps(document);
  if (typeof versionKey === 'string') document.set(versionKey, 0);
  await document.validate();
  return { document, write: { name: 'insertOne', namespace: namespaceOf(model), document: document.toBSON() as mongo.Document } };
}

/** `db.collection` of a model: how a client bulk write names the collection of each write. */
export function namespaceOf(model: Pick<Model<unknown>, 'db' | 'collection'>): string {
  return `${model.db.name}.${model.collection.collectionName}`;
}

/** A duplicate key (E11000): a command's own error, or one write's error in a client bulk write. */
export function isDuplicateKeyError(err: unknown): boolean {
  const DUPLICATE_KEY = 11000;
  if ((err as { code?: unknown } | null)?.code === DUPLICATE_KEY) return true;
  const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  return writeErrors instanceof Map && [...writeErrors.values()].some((e: { code?: unknown }) => e.code === DUPLICATE_KEY);
}

/**
 * `client.bulkWrite`, but when the command itself failed (not one of its writes) the server's error
 * is thrown as it came: the driver wraps it in a MongoClientBulkWriteError without its labels, so a
 * write conflict in a transaction (TransientTransactionError) would not be retried.
 */
export async function clientBulkWrite(client: mongo.MongoClient, writes: ClientWrite[], options: mongo.ClientBulkWriteOptions): Promise<mongo.ClientBulkWriteResult> {
  try {
    return await client.bulkWrite(writes, options);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof mongo.MongoClientBulkWriteError && err.writeErrors.size === 0 && cause instanceof mongo.MongoError) throw cause;
    throw err;
  }
}
