import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, computed from this file's location so it works from src/ (tsx/vitest) and dist/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
