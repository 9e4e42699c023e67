import { BadUserInputError, NotFoundError } from '../../../shared/src/errors.js';

export class OperationNotFoundError extends NotFoundError {
  constructor(readonly operationId: string) {
    super(`Operation ${operationId} not found`);
  }
}

/** The same idempotency key came with a different request: replaying it would hide the difference. */
export class IdempotencyKeyReusedError extends BadUserInputError {
  constructor(readonly idempotencyKey: string) {
    super(`idempotencyKey "${idempotencyKey}" was already used for a different request (ids, actionType, archivedAt or async differ)`);
  }
}

/** Another worker finished or took over this operation: this run must not write its result. */
export class StaleOperationAttemptError extends Error {
  constructor(operationId: string, attempt: number) {
    super(`operation ${operationId}: attempt ${attempt} is no longer the current one`);
    this.name = 'StaleOperationAttemptError';
  }
}
