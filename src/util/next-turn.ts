/**
 * Resolves on the next turn of the event loop (setImmediate), after the current turn's pending
 * I/O has been handed to the kernel: for bookkeeping that must not delay a request being sent.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
