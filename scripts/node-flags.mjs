// How the service process is started (scripts/one.mjs, npm start and the benchmarks).
// A 2 MB young generation (V8's default is 16 MB) keeps the resident set ~25 MB smaller; the
// service allocates in short bursts (download chunks, socket messages) that die young, so the
// extra scavenges cost little. Measured in the overhead benchmark's full run (150 sequential +
// 40 concurrent jobs): peak RSS 110-121 MB with 4 MB, 102 MB with 2 MB; the read-path ratios
// moved within their run-to-run noise (`--optimize-for-size` saved as much but cost the read
// path ~10 %, so it is not used).
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2'];

// glibc gives each thread that allocates its own malloc arena; libuv's file-system threads then
// leave freed memory stranded in several arenas. Two arenas kept the service's resident set 5-6 MB
// smaller under load (4 clients × 10 jobs: 109 → 104 MB) at no measurable cost. A value already in
// the environment wins.
export const SERVICE_ENV = { MALLOC_ARENA_MAX: '2' };
