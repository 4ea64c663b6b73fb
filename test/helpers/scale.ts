/** `npm run test:chaos` sets RELIABILITY_SCALE=full: the documented sizes; npm test runs small ones. */
export const FULL = process.env.RELIABILITY_SCALE === 'full';
export const scale = (fast: number, full: number): number => (FULL ? full : fast);
