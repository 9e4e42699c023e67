import type { ClientSession, HydratedDocument } from 'mongoose';
import { schemaHooksOf } from '../../../shared/src/mongoose/document-internals.js';

/**
 * Runs the model's `save` middleware (user callbacks, version history)
 * for each document, in the given session, without writing anything: the caller then writes the
 * whole batch with ONE `updateMany` and calls `runPostSaveMiddleware`. This is what
 * `Model.bulkSave` does, minus its one `updateOne` per document: when every record gets the same
 * `$set`, a single `updateMany` is several times cheaper for the server and the driver. Schema
 * validation is the caller's to run when it writes values it did not construct itself.
 * The hook storage is mongoose's internal (shared/src/mongoose/, checked at start-up).
 */
export async function runPreSaveMiddleware(docs: HydratedDocument<unknown>[], session: ClientSession): Promise<void> {
  for (const doc of docs) {
    doc.$session(session);
    await schemaHooksOf(doc).execPre('save', doc, [{ session }]);
  }
}

/** Runs the `save` post middleware once the batch is written (version history records here). */
export async function runPostSaveMiddleware(docs: HydratedDocument<unknown>[]): Promise<void> {
  for (const doc of docs) await schemaHooksOf(doc).execPost('save', doc, [doc]);
}
