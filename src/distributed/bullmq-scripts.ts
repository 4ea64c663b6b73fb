/**
 * The Redis scripts the BullMQ queue keeps beside BullMQ's own keys: the shared bound, and the
 * job ids and idempotency keys claimed for the queue. Each runs atomically, for every instance.
 */

/** A place taken by an instance that died before spending it is given back after this long. */
export const PLACE_TTL_MS = 60_000;

/**
 * Take a place when waiting jobs plus unexpired places are below the bound, in one step for
 * every instance. KEYS[1] places (ZSET id → expiry); ARGV: now, expiry, waiting count, bound, id.
 * Returns the depth before the call, negative (−depth − 1) when refused.
 */
export const HOLD_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local depth = redis.call('ZCARD', KEYS[1]) + tonumber(ARGV[3])
if depth >= tonumber(ARGV[4]) then return -depth - 1 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[5])
return depth`;

/**
 * Claim a job id (and its idempotency key) for the queue, once for every instance. KEYS[1]
 * members (HASH job id → class), KEYS[2] keys (HASH key → job id); ARGV: job id, class, key.
 * Returns the job id that holds it and 1 when that is an earlier one.
 */
export const CLAIM_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {ARGV[1], 1} end
if ARGV[3] ~= '' then
  local holder = redis.call('HGET', KEYS[2], ARGV[3])
  if holder and redis.call('HEXISTS', KEYS[1], holder) == 1 then return {holder, 1} end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {ARGV[1], 0}`;

/** Let a job id (and its key, if it still names it) go: the job left the queue for good. */
export const RELEASE_SCRIPT = `
redis.call('HDEL', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[2]) end
return 1`;
