import { Types, type mongo } from 'mongoose';

type Db = mongo.Db;
type MongoClient = mongo.MongoClient;

const SLICE = 500;
const ARCHIVED_AT = new Date('2026-11-25T11:11:11.000Z');

/**
 * The whole run's logical work written by hand on the raw driver, the yardstick of the whole-run
 * scenario: per server, one find and one distinct to classify, then per slice of ≤ 500 ids one RGS
 * transaction (delete or archive the tables, write the dispatch, marked sent) and one Games
 * transaction (record the message and operation, archive the tables with a version each, the
 * operation DEFERRED). No Agenda, no HTTP, no mongoose, environments one after another.
 */
export async function rawWholeRun(client: MongoClient, rgs: Db, games: Db): Promise<void> {
  const runId = new Types.ObjectId();
  for (const environment of await rgs.collection('environments').find().sort({ _id: 1 }).toArray()) {
    for (const server of await rgs.collection('servers').find({ environmentId: environment._id, active: true }).sort({ _id: 1 }).toArray()) {
      const candidates = await rgs
        .collection('gametables')
        .find({ serverId: server._id, active: true, currency: { $nin: environment.requiredCurrencies } }, { projection: { _id: 1, boId: 1 } })
        .sort({ _id: 1 })
        .toArray();
      const withTraffic = new Set(
        (await rgs.collection('aggregatedggrs').distinct('gameTableId', { gameTableId: { $in: candidates.map((t) => t._id) } })).map(String),
      );
      const toDelete = candidates.filter((t) => !withTraffic.has(String(t._id)));
      const toArchive = candidates.filter((t) => withTraffic.has(String(t._id)));
      for (const [action, tables] of [['DELETE', toDelete], ['ARCHIVE', toArchive]] as const) {
        for (let i = 0; i < tables.length; i += SLICE) {
          const slice = tables.slice(i, i + SLICE);
          await rgsSlice(client, rgs, runId, server._id, action, slice);
          await gamesOperation(client, games, action, slice.map((t) => t.boId as Types.ObjectId));
        }
      }
    }
  }
}

async function rgsSlice(client: MongoClient, rgs: Db, runId: Types.ObjectId, serverId: unknown, action: string, slice: mongo.Document[]) {
  await client.withSession((session) =>
    session.withTransaction(async () => {
      const ids = slice.map((t) => t._id as Types.ObjectId);
      if (action === 'DELETE') await rgs.collection('gametables').deleteMany({ _id: { $in: ids } }, { session });
      else await rgs.collection('gametables').updateMany({ _id: { $in: ids } }, { $set: { active: false, archivedAt: ARCHIVED_AT } }, { session });
      const now = new Date();
      await rgs.collection('dispatches').insertOne(
        { runId, serverId, actionType: action, boIds: slice.map((t) => t.boId), archivedAt: ARCHIVED_AT, status: 'SENT', attempts: 1, nextAttemptAt: now, sentAt: now, createdAt: now },
        { session },
      );
    }),
  );
}

async function gamesOperation(client: MongoClient, games: Db, action: string, ids: Types.ObjectId[]) {
  const now = new Date();
  const message = await games.collection('integrationmessages').insertOne({ gameTableIds: ids, actionType: action, archivedAt: ARCHIVED_AT, async: true, createdAt: now });
  const operation = await games.collection('asyncoperations').insertOne({
    messageId: message.insertedId, status: 'IN_PROGRESS', actionType: action, archivedAt: ARCHIVED_AT, async: true, requestedCount: ids.length, attempts: 1, createdAt: now, startedAt: now,
  });
  await client.withSession((session) =>
    session.withTransaction(async () => {
      const found = await games.collection('gametables').find({ _id: { $in: ids } }, { projection: { active: 1, archivedAt: 1 }, session }).toArray();
      const active = found.filter((t) => t.active);
      await games.collection('gametables').updateMany({ _id: { $in: active.map((t) => t._id) } }, { $set: { active: false, archivedAt: ARCHIVED_AT, updatedAt: now } }, { session });
      await games.collection('gametableversions').insertMany(
        active.map((t) => ({ gameTableId: t._id, event: 'update', changes: { active: [true, false], archivedAt: [t.archivedAt, ARCHIVED_AT] }, operationId: operation.insertedId, createdAt: now })),
        { session },
      );
    }),
  );
  await games.collection('asyncoperations').updateOne({ _id: operation.insertedId }, { $set: { status: 'DEFERRED', succeededIds: ids, processedCount: ids.length, finishedAt: new Date() } });
}
