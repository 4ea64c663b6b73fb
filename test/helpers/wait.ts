/**
 * Wait on a condition, never on a fixed time: polls `probe` until it gives something truthy (which
 * is returned), or fails naming `what` after `ms`.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  ms = 20_000,
  everyMs = 10,
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
