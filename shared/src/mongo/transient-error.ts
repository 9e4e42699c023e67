import { MongoError, MongoServerError } from 'mongodb';

/**
 * The driver's errors that mean "the database was unreachable", by name: a name survives being
 * wrapped (as `cause`) or raised through another layer, where `instanceof` does not always hold.
 */
const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/**
 * The server's "state change" codes (the SDAM spec's not-primary and node-is-recovering errors): the
 * member answering stepped down, is not primary, or is shutting down, i.e. an election or a restart.
 * Only retryable writes carry a label with them; a read or a multi-document write hit by an election
 * carries the code alone.
 */
const STATE_CHANGE_CODES = new Set([
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  10058, // LegacyNotPrimary
  189, // PrimarySteppedDown
  11602, // InterruptedDueToReplStateChange
  91, // ShutdownInProgress
  11600, // InterruptedAtShutdown
]);

/**
 * What mongoose throws when an operation waited for a connection longer than `bufferTimeoutMS`
 * (the connection is down: it buffers commands until it is back). A plain MongooseError says it
 * only in its message; tests/shared/transient-error.test.ts pins it against mongoose itself.
 */
const MONGOOSE_BUFFERING_TIMEOUT = /buffering timed out after \d+ms$/;

/** Labels the driver puts on errors that a retry after an outage or failover can fix. */
const RETRYABLE_LABELS = ['TransientTransactionError', 'RetryableWriteError', 'ResetPool'];

/** How deep a chain of `cause`s is followed. */
const MAX_CAUSES = 5;

/**
 * True for errors that say "the database was unreachable", not "this data is wrong" (an outage,
 * a failover: a connection closed under a running worker). Workers let those fail the job so Agenda
 * retries it later, instead of marking the work FAILED. Follows `cause` (and a bulk write error's
 * `errorResponse`), so a wrapped error counts.
 */
export function isTransientInfrastructureError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < MAX_CAUSES; depth += 1) {
    if (UNREACHABLE.has(current.name)) return true;
    if (current.name === 'MongooseError' && MONGOOSE_BUFFERING_TIMEOUT.test(current.message)) return true;
    if (current instanceof MongoError && RETRYABLE_LABELS.some((label) => (current as MongoError).hasErrorLabel(label))) return true;
    if (current instanceof MongoServerError && STATE_CHANGE_CODES.has(Number(current.code))) return true;
    // A bulk write (insertMany) wraps a network error in a MongoBulkWriteError without its labels or
    // cause, keeping it as `errorResponse`: a versions insert cut off by a failover looked like bad data.
    current = current.cause ?? (current instanceof MongoServerError ? current.errorResponse : undefined);
  }
  return false;
}
