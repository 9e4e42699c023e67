import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, type ClientSession } from 'mongodb';
import type { Connection } from 'mongoose';
import { createLogger } from '../../shared/src/logger.js';
import { AbandonedTransactions } from '../../shared/src/mongo/abandoned-transactions.js';
import { appNamePrefix, connectMongo } from '../../shared/src/mongo/connect.js';
import { withTransaction } from '../../shared/src/mongo/with-transaction.js';
import { freshDatabaseUri } from '../support/mongo.js';

const logger = createLogger({ name: 'abandoned-transactions-test', level: 'silent' });
/** A service name of this suite alone: suites running beside it keep their transactions. */
const service = `svc${randomUUID().slice(0, 8)}`;
const ABANDONED_AFTER_MS = 300;

describe('transactions left open by a stopped process', () => {
  const uri = freshDatabaseUri('abandoned');
  let conn: Connection;
  const clients: MongoClient[] = [];

  /** A client of another process, which opens a transaction on `_id` and then never speaks again. */
  async function openTransactionAndStop(appName: string, _id: string): Promise<ClientSession> {
    const client = new MongoClient(uri, { appName });
    clients.push(client);
    await client.connect();
    const session = client.startSession();
    session.startTransaction();
    await client.db().collection('tables').updateOne({ _id: _id as never }, { $set: { owner: appName } }, { session });
    return session;
  }

  const abandonedIdle = () => new Promise((resolve) => setTimeout(resolve, ABANDONED_AFTER_MS + 100));

  beforeAll(async () => {
    conn = await connectMongo(uri, logger, { appName: `${appNamePrefix(service)}test-host:1` });
    await conn.db!.collection('tables').insertMany(['a', 'b', 'c', 'd'].map((_id) => ({ _id: _id as never, owner: null })));
  });

  afterAll(async () => {
    for (const client of clients) await client.close(true);
    await conn.close();
  });

  it('When a dead process of the same service holds a document in an open transaction, then our transaction on it commits at once before mongod\'s transaction lifetime limit would free it', async () => {
    // Arrange
    const { transactionLifetimeLimitSeconds } = await conn.db!.admin().command({ getParameter: 1, transactionLifetimeLimitSeconds: 1 });
    const deadOpenedAt = Date.now();
    await openTransactionAndStop(`${appNamePrefix(service)}dead-host:42`, 'a');
    await abandonedIdle();
    const abandoned = new AbandonedTransactions(conn.getClient(), { service, abandonedAfterMs: ABANDONED_AFTER_MS, logger });

    // Act
    await withTransaction(conn, (session) => conn.db!.collection('tables').updateOne({ _id: 'a' as never }, { $set: { owner: 'successor' } }, { session }), abandoned);

    // Assert: committed before mongod's own limit would have aborted the dead transaction
    expect(Date.now() - deadOpenedAt).toBeLessThan(transactionLifetimeLimitSeconds * 1_000);
    expect(await conn.db!.collection('tables').findOne({ _id: 'a' as never })).toMatchObject({ owner: 'successor' });
  }, 20_000);

  it('When another application leaves a transaction idle, then it is not ended and can still commit', async () => {
    // Arrange
    const session = await openTransactionAndStop('operator-shell', 'b');
    await abandonedIdle();

    // Act
    const ended = await new AbandonedTransactions(conn.getClient(), { service, abandonedAfterMs: ABANDONED_AFTER_MS, logger }).end();

    // Assert
    expect(ended).toBe(0);
    await session.commitTransaction();
    expect(await conn.db!.collection('tables').findOne({ _id: 'b' as never })).toMatchObject({ owner: 'operator-shell' });
  });

  it('When a transaction of the same service has been idle for less than the limit, then it is not ended', async () => {
    // Arrange
    const session = await openTransactionAndStop(`${appNamePrefix(service)}busy-host:7`, 'c');

    // Act
    const ended = await new AbandonedTransactions(conn.getClient(), { service, abandonedAfterMs: 60_000, logger }).end();

    // Assert
    expect(ended).toBe(0);
    await session.commitTransaction();
    expect(await conn.db!.collection('tables').findOne({ _id: 'c' as never })).toMatchObject({ owner: `${appNamePrefix(service)}busy-host:7` });
  });

  it('When an abandoned transaction was ended, then its process\'s late commit fails and changes nothing', async () => {
    // Arrange
    const session = await openTransactionAndStop(`${appNamePrefix(service)}stalled-host:9`, 'd');
    await abandonedIdle();

    // Act
    const ended = await new AbandonedTransactions(conn.getClient(), { service, abandonedAfterMs: ABANDONED_AFTER_MS, logger }).end();

    // Assert
    expect(ended).toBe(1);
    await expect(session.commitTransaction()).rejects.toThrow();
    expect(await conn.db!.collection('tables').findOne({ _id: 'd' as never })).toMatchObject({ owner: null });
  });
});
