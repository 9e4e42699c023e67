import { registerEnumType } from 'type-graphql';
import { DispatchStatus, RunStatus } from '../../domain/statuses.js';

registerEnumType(RunStatus, {
  name: 'RunStatus',
  description:
    'QUEUED → RUNNING → COMPLETED; FAILED when the kickoff itself fails, when an environment chain was given up after its retries ' +
    '(its remaining servers never visited), or when no server was cleaned because every one failed; ' +
    'some failing servers only add to errors and serversFailed. ' +
    'A run planned above CLEANUP_MAX_SHARE waits as AWAITING_APPROVAL (approveCleanupRun: QUEUED again, then runs); ' +
    'cancelCleanupRun ends a QUEUED or AWAITING_APPROVAL run as CANCELLED, having touched nothing.',
});

registerEnumType(DispatchStatus, {
  name: 'DispatchStatus',
  description: 'PENDING until Games accepted the call (SENT); FAILED once the retry budget is spent.',
});

export { DispatchStatus, RunStatus };
