import type { EngineAdapter, EngineHealth } from './engine.js';

export interface EngineRegistry {
  get(engineId: string): EngineAdapter | undefined;
  all(): EngineAdapter[];
  /** Live health of every engine, probed in parallel. */
  health(): Promise<EngineHealth[]>;
  close(): Promise<void>;
}

export function createEngineRegistry(engines: EngineAdapter[]): EngineRegistry {
  const byId = new Map(engines.map((e) => [e.engineId, e]));
  return {
    get: (id) => byId.get(id),
    all: () => [...byId.values()],
    health: () => Promise.all([...byId.values()].map((e) => e.health())),
    async close() {
      await Promise.allSettled([...byId.values()].map((e) => e.close()));
    },
  };
}
