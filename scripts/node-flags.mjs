// Node flags the service is started with (scripts/one.mjs, npm start and the benchmarks).
// A 4 MB young generation keeps the resident set ~20 MB smaller; the service allocates in short
// bursts (download chunks, socket messages), so the extra scavenges cost little.
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4'];
