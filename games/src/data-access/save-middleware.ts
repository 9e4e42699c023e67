import type { ClientSession, HydratedDocument } from 'mongoose';

/** The part of mongoose's middleware engine (kareem) that `Model.bulkSave` itself calls. */
interface Hooks {
  execPre(name: string, context: unknown, args: unknown[]): Promise<unknown>;
  execPost(name: string, context: unknown, args: unknown[]): Promise<unknown>;
}

const hooksOf = (doc: HydratedDocument<unknown>) => (doc.schema as unknown as { s: { hooks: Hooks } }).s.hooks;

/**
 * Runs the model's `save` middleware (user callbacks, version history)
 * for each document, in the given session, without writing anything: the caller then writes the
 * whole batch with ONE `updateMany` and calls `runPostSaveMiddleware`. This is what
 * `Model.bulkSave` does, minus its one `updateOne` per document: when every record gets the same
 * `$set`, a single `updateMany` is several times cheaper for the server and the driver. Schema
 * validation is the caller's to run when it writes values it did not construct itself.
 * mongoose is pinned exactly because `schema.s.hooks` is not a documented API.
 */
export async function runPreSaveMiddleware(docs: HydratedDocument<unknown>[], session: ClientSession): Promise<void> {
  for (const doc of docs) {
    doc.$session(session);
    await hooksOf(doc).execPre('save', doc, [{ session }]);
  }
}

/** Runs the `save` post middleware once the batch is written (version history records here). */
export async function runPostSaveMiddleware(docs: HydratedDocument<unknown>[]): Promise<void> {
  for (const doc of docs) await hooksOf(doc).execPost('save', doc, [doc]);
}
