import { BadUserInputError, ConflictError, NotFoundError } from '../../../shared/src/errors.js';
import { echoInput } from '../../../shared/src/echo-input.js';

export class OperationNotFoundError extends NotFoundError {
  constructor(readonly operationId: string) {
    super(`Operation ${echoInput(operationId)} not found`);
  }
}

/** The same idempotency key came with a different request: replaying it would hide the difference. */
export class IdempotencyKeyReusedError extends BadUserInputError {
  constructor(readonly idempotencyKey: string) {
    super(`idempotencyKey "${echoInput(idempotencyKey)}" was already used for a different request (ids, actionType, archivedAt or async differ)`);
  }
}

/** Another worker finished or took over this operation: this run must not write its result. */
export class StaleOperationAttemptError extends Error {
  constructor(operationId: string, attempt: number) {
    super(`operation ${operationId}: attempt ${attempt} is no longer the current one`);
    this.name = 'StaleOperationAttemptError';
  }
}

/**
 * The worker may not go on with this run (Agenda cancelled the job after its lock expired): the
 * transaction is abandoned and the operation stays IN_PROGRESS for the attempt that takes over.
 */
export class RunAbandonedError extends Error {
  constructor(operationId: string, cause: unknown) {
    super(`operation ${operationId}: run abandoned: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunAbandonedError';
  }
}

/** Only DELETE operations are purged in phase 2: ARCHIVE means "keep the tables, just inactive". */
export class ArchiveOperationsAreKeptError extends BadUserInputError {
  constructor(readonly operationId: string) {
    super(`Operation ${operationId} is an ARCHIVE operation: archive operations are kept and never purged`);
  }
}

/** Purge and restore act only on a DEFERRED operation; every other status is named in the message. */
export class OperationNotDeferredError extends BadUserInputError {
  constructor(
    readonly operationId: string,
    readonly status: string,
    action: 'purged' | 'restored',
  ) {
    super(`Operation ${operationId} is ${status}; only DEFERRED operations can be ${action}`);
  }
}

/** A purge holds the operation: restoring now would race the deletes. */
export class OperationBeingPurgedError extends ConflictError {
  constructor(readonly operationId: string) {
    super(`Operation ${operationId} is being purged right now; it can no longer be restored`);
  }
}

/** A callback or validation rejected one of the tables: the restore was rolled back whole. */
export class RestoreRefusedError extends ConflictError {
  constructor(readonly operationId: string, reason: string) {
    super(`Operation ${operationId} was not restored, nothing changed: ${reason}`);
  }
}
