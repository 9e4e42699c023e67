import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

/**
 * True for errors that say "the database was unreachable", not "this data is wrong" (an outage,
 * a failover). Workers let those fail the job so Agenda retries it later, instead of marking the
 * work FAILED.
 */
export function isTransientInfrastructureError(err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  if (err instanceof MongoError) {
    return err.hasErrorLabel('TransientTransactionError') || err.hasErrorLabel('RetryableWriteError') ||
      err.name === 'MongoNotConnectedError' || err.name === 'MongoTopologyClosedError';
  }
  return false;
}
