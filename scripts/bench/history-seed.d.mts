/**
 * Write `count` job files plus the index journal the service keeps, as a long-running install would
 * have them; without the journal (`journal: false`) it is a folder whose index was lost.
 */
export function seed(dataDir: string, count: number, options?: { journal?: boolean }): void;
