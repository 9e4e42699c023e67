/** The life of a cleanup run: QUEUED → RUNNING → COMPLETED, or FAILED when the kickoff itself fails. */
export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

/** An outbox row: PENDING until Games accepted it (SENT), or FAILED once the retry budget is spent. */
export enum DispatchStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

/** What Games is asked to do; mirrors Games' CleanupAction. Tables without traffic are deleted, others archived. */
export enum CleanupAction {
  DELETE = 'DELETE',
  ARCHIVE = 'ARCHIVE',
}
