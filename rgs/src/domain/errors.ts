import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../../shared/src/errors.js';
import { echoInput } from '../../../shared/src/echo-input.js';

export class EnvironmentNotFoundError extends NotFoundError {
  constructor(readonly environmentId: string) {
    super(`Environment ${environmentId} not found`);
  }
}

export class ServerNotFoundError extends NotFoundError {
  constructor(
    readonly serverId: string,
    readonly environmentId: string,
  ) {
    super(`Server ${serverId} not found in environment ${environmentId}`);
  }
}

/** An id argument that cannot be an ObjectId: nothing could ever match it. */
export class InvalidIdError extends BadUserInputError {
  constructor(
    readonly argument: string,
    readonly value: string,
  ) {
    super(`${argument} must be a 24-character hex ObjectId, got "${echoInput(value)}"`);
  }
}

export class DispatchNotFoundError extends NotFoundError {
  constructor(readonly dispatchId: string) {
    super(`Dispatch ${dispatchId} not found`);
  }
}

/** Only a FAILED dispatch is retried by hand; PENDING ones are retried by the outbox itself. */
export class DispatchNotFailedError extends BadUserInputError {
  constructor(
    readonly dispatchId: string,
    readonly status: string,
  ) {
    super(`Dispatch ${dispatchId} is ${status}; only FAILED dispatches can be retried`);
  }
}

export class CleanupRunNotFoundError extends NotFoundError {
  constructor(readonly runId: string) {
    super(`Cleanup run ${runId} not found`);
  }
}

/** Another run holds the one active-run slot; the message names it so the operator can follow or cancel it. */
export class ActiveRunConflictError extends ConflictError {
  constructor(
    readonly activeRunId: string,
    readonly activeStatus: string,
    readonly activeScope: string,
  ) {
    super(
      `Cleanup run ${activeRunId} (${activeStatus}, ${activeScope}) is still active; only one run at a time. ` +
        'Wait for it to finish, or cancel it while it is QUEUED or AWAITING_APPROVAL (cancelCleanupRun).',
    );
  }
}

/** approveCleanupRun on a run that is not waiting for approval. */
export class RunNotAwaitingApprovalError extends ConflictError {
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`Cleanup run ${runId} is ${status}; only a run AWAITING_APPROVAL can be approved`);
  }
}

/** approveCleanupRun by the principal that started the run, while two-person approval is on. */
export class SelfApprovalError extends ForbiddenError {
  constructor(
    readonly runId: string,
    readonly principal: string,
  ) {
    super(`Cleanup run ${runId} was started by ${principal}: a run is approved by someone other than the one who started it`);
  }
}

/** cancelCleanupRun on a run that already touched data (RUNNING) or has ended. */
export class RunNotCancellableError extends ConflictError {
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`Cleanup run ${runId} is ${status}; only a QUEUED or AWAITING_APPROVAL run (one that has touched nothing) can be cancelled`);
  }
}
