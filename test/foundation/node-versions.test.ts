import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/util/paths.js';

// The service supports Node 20 (from 20.10) and Node 24, the active LTS, and CI runs the suites on
// both. Every installed package must accept both, or `npm install` warns EBADENGINE (cookie@2, which
// light-my-request 6.8 pulled in, wants Node 22).
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }>;
};
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('supported Node versions', () => {
  it('package.json promises Node >= 20.10', () => {
    expect(pkg.engines.node).toBe('>=20.10');
  });

  // package.json says >=20.10, but what the service loads at run time needs 20.18.1 (undici 7), and
  // the test tools (vitest 4 on rolldown) 20.19: the README says so. The machines and CI run 20.20.
  it.each([
    ['20.18.1', 'run-time packages'],
    ['20.19.0', 'all packages'],
    ['20.20.2', 'all packages'],
    ['24.0.0', 'all packages'],
  ])('Node %s is accepted by the %s (no EBADENGINE)', (version, which) => {
    const refusing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!where || !range || (which === 'run-time packages' && entry.dev)) continue;
      if (!semver.satisfies(version, range, { includePrerelease: true }))
        refusing.push(`${where}@${entry.version} (${range})`);
    }
    expect(refusing).toEqual([]);
  });
});
