/** RGS sends at most this many ids per request (the seed's slice of 500). */
export const MAX_IDS_PER_REQUEST = 500;

/** What RGS asks for. Both archive in phase 1; only DELETE operations are purged in phase 2. */
export enum CleanupAction {
  DELETE = 'DELETE',
  ARCHIVE = 'ARCHIVE',
}

/**
 * The life of an AsyncOperation. Moves only forward, each step a compare-and-set on the expected
 * status: RECEIVED → IN_PROGRESS → DEFERRED (archived, waiting for phase 2) → PROCESSED (purged),
 * or FAILED; DEFERRED → RESTORED when a person undoes the archive.
 */
export enum OperationStatus {
  RECEIVED = 'RECEIVED',
  IN_PROGRESS = 'IN_PROGRESS',
  DEFERRED = 'DEFERRED',
  PROCESSED = 'PROCESSED',
  FAILED = 'FAILED',
  RESTORED = 'RESTORED',
}
