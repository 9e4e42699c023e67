import { describe, expect, it } from '@jest/globals';
import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import { isTransientInfrastructureError } from '../../shared/src/mongo/transient-error.js';

const labelled = (label: string) => {
  const err = new MongoServerError({ message: 'WriteConflict', code: 112 });
  err.addErrorLabel(label);
  return err;
};

describe('when mongoose waits for a connection that is down', () => {
  it('Then its buffering timeout counts as transient (pinned against mongoose itself, which says so only in the message)', async () => {
    // Arrange: a connection that never connects, so mongoose buffers the operation until its timeout
    const conn = mongoose.createConnection();
    const Thing = conn.model('Thing', new Schema({ name: String }, { bufferTimeoutMS: 50 }));

    // Act
    const err = await Thing.findOne({}).then(() => null, (e: unknown) => e);

    // Assert
    expect(err).toBeInstanceOf(mongoose.Error);
    expect(isTransientInfrastructureError(err)).toBe(true);
    await conn.close();
  });
});

describe('which errors mean "MongoDB was unreachable" (retry later) rather than "this data is wrong" (fail)', () => {
  it.each([
    { error: new MongoNetworkError('connection 1 to 127.0.0.1:41741 closed'), transient: true, what: 'a connection closed under a worker (failover)' },
    { error: new Error('archive failed', { cause: new MongoNetworkError('connection 2 to 127.0.0.1:41741 closed') }), transient: true, what: 'a network error wrapped as a cause' },
    { error: new MongoServerSelectionError('Server selection timed out', { type: 'Unknown', servers: new Map() } as never), transient: true, what: 'no server selectable' },
    { error: labelled('TransientTransactionError'), transient: true, what: 'a transaction error the driver labels transient' },
    {
      // What insertMany throws when its connection is reset by a failover (seen in the chaos failover scenario).
      error: new MongoBulkWriteError(new MongoNetworkError('read ECONNRESET', { cause: new Error('read ECONNRESET') }) as never, {} as never),
      transient: true,
      what: 'a bulk write cut off by a reset connection',
    },
    // A read, or a write that is not a retryable one (updateMany), carries the code of an election without a label.
    { error: new MongoServerError({ message: 'not primary', code: 10107, codeName: 'NotWritablePrimary' }), transient: true, what: 'NotWritablePrimary without a label (an election)' },
    { error: new MongoServerError({ message: 'stepped down', code: 11602, codeName: 'InterruptedDueToReplStateChange' }), transient: true, what: 'an operation interrupted by a step-down' },
    { error: new MongoServerError({ message: 'shutting down', code: 91, codeName: 'ShutdownInProgress' }), transient: true, what: 'the member shutting down' },
    { error: new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }), transient: false, what: 'a duplicate key' },
    {
      error: new MongoBulkWriteError({ message: 'E11000 duplicate key', code: 11000, writeErrors: [] }, {} as never),
      transient: false,
      what: 'a bulk write refused by a unique index',
    },
    { error: new Error('simulated failure while cleaning this server'), transient: false, what: 'a callback refusing a record' },
  ])('When the error is $what, then transient is $transient', ({ error, transient }) => {
    // Act / Assert
    expect(isTransientInfrastructureError(error)).toBe(transient);
  });
});
