/**
 * Caller input quoted back in an error message is cut to a short prefix: a 500 KB id must not make
 * a 500 KB error (nor fill the logs), and the prefix is enough to recognise the value.
 */

/** Characters of an input value kept when it is quoted in a message. */
export const MAX_ECHOED_INPUT = 32;

/** Longest error message a response carries, in characters; longer ones are cut (a backstop). */
export const MAX_ERROR_MESSAGE = 500;

/** `value` as it may appear in a message: at most MAX_ECHOED_INPUT characters, then "…". */
export function echoInput(value: string): string {
  return value.length <= MAX_ECHOED_INPUT ? value : `${value.slice(0, MAX_ECHOED_INPUT)}…`;
}

/** A message cut to MAX_ERROR_MESSAGE characters, for messages that quote input we do not write (graphql-js's). */
export function capMessage(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE ? message : `${message.slice(0, MAX_ERROR_MESSAGE)}… (truncated)`;
}
