import type { ClientSession, HydratedDocument, Model, Schema, Types } from 'mongoose';

/** One entry of a record's history, like a PaperTrail version. */
export interface VersionEntry {
  itemId: Types.ObjectId;
  event: 'create' | 'update' | 'destroy';
  /** `{ field: [before, after] }` for each tracked field that changed. */
  changes: Record<string, [unknown, unknown]>;
  /** The operation that made the change ("whodunnit"); null for changes made by hand. */
  operationId: Types.ObjectId | null;
  createdAt: Date;
}

export interface VersionHistoryOptions {
  /** Name of the model (on the same connection) that stores the versions. */
  versionModelName: string;
  /** Name of the field in a version that points back to the record, e.g. `gameTableId`. */
  foreignKey: string;
  /** The fields whose changes are recorded. */
  fields: readonly string[];
}

/** Per-document state the plugin keeps in `doc.$locals`, never persisted. */
interface HistoryLocals {
  snapshot?: Record<string, unknown>;
  pendingVersion?: VersionEntry;
  operationId?: Types.ObjectId | null;
  versionBuffer?: VersionEntry[];
}

const locals = (doc: HydratedDocument<unknown>) => doc.$locals as HistoryLocals;

/** Records who makes the next change to `doc`: the version written for it carries this operation id. */
export function changedBy(doc: HydratedDocument<unknown>, operationId: Types.ObjectId | null): void {
  locals(doc).operationId = operationId;
}

/**
 * Makes the versions of the next save go to `buffer` instead of one insert each, so a bulk writer
 * (`Model.bulkSave`) can store a whole batch of versions with one `insertMany` in its transaction.
 */
export function bufferVersions(doc: HydratedDocument<unknown>, buffer: VersionEntry[]): void {
  locals(doc).versionBuffer = buffer;
}

/**
 * Version history equivalent to PaperTrail, as mongoose middleware: every create, update and
 * destroy of a document writes a version in the same session (so inside the caller's transaction).
 * Works for `save()`, `Model.bulkSave()` (both run save middleware) and `doc.deleteOne()`.
 * Query-level writes such as `updateMany` bypass document middleware and must not be used on
 * versioned models.
 */
export function versionHistory(schema: Schema, options: VersionHistoryOptions): void {
  // `noDottedPath` lets mongoose read a top-level field straight from the document (getters still
  // apply) instead of splitting the path on every read: the save hooks read each tracked field of
  // every record of a batch, several times, so this is most of their cost.
  const getOptions = new Map(options.fields.map((field) => [field, field.includes('.') ? undefined : { noDottedPath: true }]));
  const read = (doc: HydratedDocument<unknown>, field: string): unknown => doc.get(field, null, getOptions.get(field));
  const pick = (doc: HydratedDocument<unknown>) => {
    const values: Record<string, unknown> = {};
    for (const field of options.fields) values[field] = read(doc, field) ?? null;
    return values;
  };

  const toVersion = (doc: HydratedDocument<unknown>, event: VersionEntry['event'], changes: VersionEntry['changes']) => ({
    itemId: doc._id as Types.ObjectId,
    event,
    changes,
    operationId: locals(doc).operationId ?? null,
    createdAt: new Date(),
  });

  const store = async (doc: HydratedDocument<unknown>, version: VersionEntry, session: ClientSession | null) => {
    const buffer = locals(doc).versionBuffer;
    if (buffer) {
      buffer.push(version);
      return;
    }
    const versions = doc.db.model(options.versionModelName) as Model<unknown>;
    await versions.insertMany([toStored(version, options.foreignKey)], { session });
  };

  schema.post('init', function (this: HydratedDocument<unknown>) {
    locals(this).snapshot = pick(this);
  });

  schema.pre('save', function (this: HydratedDocument<unknown>) {
    const before = this.isNew ? {} : (locals(this).snapshot ?? {});
    const changes: VersionEntry['changes'] = {};
    for (const field of options.fields) {
      if (this.isNew ? read(this, field) != null : this.isModified(field)) {
        changes[field] = [before[field] ?? null, read(this, field) ?? null];
      }
    }
    const changed = this.isNew || Object.keys(changes).length > 0;
    locals(this).pendingVersion = changed ? toVersion(this, this.isNew ? 'create' : 'update', changes) : undefined;
  });

  schema.post('save', async function (this: HydratedDocument<unknown>) {
    const version = locals(this).pendingVersion;
    locals(this).pendingVersion = undefined;
    locals(this).snapshot = pick(this);
    if (version) await store(this, version, this.$session());
  });

  schema.pre('deleteOne', { document: true, query: false }, function (this: HydratedDocument<unknown>) {
    const current = pick(this);
    const changes = Object.fromEntries(Object.entries(current).map(([field, value]) => [field, [value, null]]));
    locals(this).pendingVersion = toVersion(this, 'destroy', changes as VersionEntry['changes']);
  });

  schema.post('deleteOne', { document: true, query: false }, async function (this: HydratedDocument<unknown>) {
    const version = locals(this).pendingVersion;
    locals(this).pendingVersion = undefined;
    if (version) await store(this, version, this.$session());
  });
}

/** A version as stored: the record id under the model's own foreign key name. */
export function toStored(version: VersionEntry, foreignKey: string): Record<string, unknown> {
  const { itemId, ...rest } = version;
  return { [foreignKey]: itemId, ...rest };
}
