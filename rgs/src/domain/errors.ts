import { BadUserInputError, NotFoundError } from '../../../shared/src/errors.js';
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
