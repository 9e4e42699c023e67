/**
 * Base class of the domain errors both services throw. `code` is the stable GraphQL error code the
 * boundary (format-error.ts) puts into `extensions.code`; the message is shown to the caller, so it
 * must explain the problem without internal detail.
 */
export abstract class DomainError extends Error {
  abstract readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN';

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}

/** A principal may not do this, whatever its roles (e.g. approve its own run). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}
