import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until `done(value)` holds, or fails after `timeoutMs` with the last value seen.
 * Tests wait for state this way, never with fixed sleeps.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await sleep(intervalMs);
  }
}
