import { startPostgresServer, type PostgresServer } from '../../scripts/servers.mjs';
import { tempDir } from './temp-dirs.js';

export type TestPostgres = PostgresServer;

/**
 * A real, throwaway PostgreSQL server: a new cluster in a temp folder (trust auth, loopback only),
 * on a free port; see scripts/servers.mjs.
 */
export function startPostgres(): Promise<TestPostgres> {
  return startPostgresServer(tempDir('postgres'));
}
