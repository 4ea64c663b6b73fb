import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export const SERVICE_NAME = 'ainfluencer-pipeline';
export const SERVICE_VERSION: string = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;
