/** Exponential backoff: `baseMs` after the first failure, doubled after each further one, at most `maxMs`. */
export function backoffDelayMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  const exponent = Math.max(failedAttempts - 1, 0);
  return Math.min(baseMs * 2 ** Math.min(exponent, 30), maxMs);
}
