import type { Document, HydratedDocument } from 'mongoose';

/**
 * The part of mongoose's middleware engine (kareem, at `schema.s.hooks`, not a documented API) that
 * `Model.bulkSave` itself calls. `tested-internals.ts` checks it at start-up;
 * tests/shared/mongoose-contract.test.ts pins that it runs a schema's `save` middleware.
 */
export interface SchemaHooks {
  execPre(name: string, context: unknown, args: unknown[]): Promise<unknown>;
  execPost(name: string, context: unknown, args: unknown[]): Promise<unknown>;
}

/** The `save` middleware storage of a document's schema. */
export function schemaHooksOf(doc: HydratedDocument<unknown>): SchemaHooks {
  return (doc.schema as unknown as { s: { hooks: SchemaHooks } }).s.hooks;
}

/**
 * Sets `createdAt`/`updatedAt` as `save` would: the method mongoose adds to every schema with
 * `timestamps` (helpers/timestamps/setupTimestamps.js), undocumented but what `Model.create` calls.
 */
export function initializeTimestamps(doc: Document<unknown>): void {
  (doc as unknown as { initializeTimestamps(): void }).initializeTimestamps();
}
