import { GraphQLError } from 'graphql';

/** A request refused by a limit of REQUEST_LIMITS (request-limits.ts): BAD_USER_INPUT, with the limit and what was found. */
export class RequestLimitError extends GraphQLError {
  constructor(message: string) {
    // armor prefixes its messages with "Syntax Error: ", which they are not. The HTTP status is for
    // errors thrown from a plugin (validation errors get theirs from Apollo).
    super(message.replace(/^Syntax Error: /, ''), { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    this.name = 'RequestLimitError';
  }
}


/** graphql-js's message when `parseOptions.maxTokens` stops the parser (no error class; 16.x spells it "more that"). */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens\./;

/**
 * The request limit behind an error as Apollo reports it, or undefined: Apollo wraps a validation
 * rule's error (originalError) and a parse error, and throws a plugin's error as it is.
 */
export function requestLimitRejection(error: unknown): RequestLimitError | undefined {
  if (error instanceof RequestLimitError) return error;
  if (!(error instanceof GraphQLError)) return undefined;
  const original = error.originalError;
  if (original instanceof RequestLimitError) return original;
  if (original instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.test(original.message)) return new RequestLimitError(original.message);
  return undefined;
}
