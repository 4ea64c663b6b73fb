/**
 * Seeded randomness for tests: the seed comes from TEST_SEED or is drawn once, and is printed, so a
 * failure can be replayed exactly (`TEST_SEED=<n> npx vitest run <file>`).
 */
export function seededRandom(label: string): { next: () => number; int: (below: number) => number; seed: number } {
  const fromEnv = Number(process.env.TEST_SEED);
  const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + Math.floor(Math.random() * 0x7ffffffe);
  console.log(`[seed] ${label}: ${seed} (replay with TEST_SEED=${seed})`);
  // mulberry32: small, fast and good enough for test jitter and sizes.
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below) => Math.floor(next() * below), seed };
}
