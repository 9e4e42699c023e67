import { afterAll, beforeAll } from '@jest/globals';

/**
 * Starts something before the tests of the enclosing `describe` and stops it after them. The
 * returned object forwards to the running instance, so tests use it like the instance itself.
 */
export function useStarted<T extends { stop(): Promise<void> }>(start: () => Promise<T>): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as T, {
    get: (_target, key) => {
      if (!started) throw new Error('a test service is used outside the describe block that starts it');
      return Reflect.get(started, key);
    },
  });
}
