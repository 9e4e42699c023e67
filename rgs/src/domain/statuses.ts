/**
 * The life of a cleanup run: QUEUED → RUNNING → COMPLETED, or FAILED when the kickoff itself fails
 * when a chain was given up (its environment's remaining servers never visited), or when the run ends
 * having cleaned no server (every server failed); a run where only some servers failed is COMPLETED
 * with `serversFailed` and its errors.
 * A run whose plan exceeds the blast-radius limit goes QUEUED → AWAITING_APPROVAL and waits for a
 * person: approved, it is QUEUED again and runs; cancelled (from QUEUED or AWAITING_APPROVAL) it
 * ends as CANCELLED having touched nothing.
 */
export enum RunStatus {
  QUEUED = 'QUEUED',
  AWAITING_APPROVAL = 'AWAITING_APPROVAL',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** The statuses of a run that still holds the one active-run slot: at most one run is in any of them. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = [RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL, RunStatus.RUNNING];

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
