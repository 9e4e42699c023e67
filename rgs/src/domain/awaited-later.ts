/**
 * A promise started now and awaited later (or by a waiter that reaches it late): handled from the
 * start, so it failing before anyone awaits it is no unhandled rejection, which would end the
 * process. Whoever awaits it still gets the failure.
 */
export function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
