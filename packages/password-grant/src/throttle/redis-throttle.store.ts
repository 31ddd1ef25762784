import type {
  ThrottleEntry,
  ThrottleStore,
} from './throttle-store.interface.js';

/**
 * Runs a Lua script on Redis. With ioredis:
 * `(script, keys, args) => redis.eval(script, keys.length, ...keys, ...args)`;
 * with node-redis: `(script, keys, args) => client.eval(script, { keys, arguments: args })`.
 *
 * @publicApi
 */
export type RedisScriptRunner = (
  script: string,
  keys: string[],
  args: string[],
) => Promise<unknown>;

// Each script is one atomic step on the server; expiries use Redis' clock.
const INCREMENT = `
local value = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}`;

const GET = `
local value = redis.call('GET', KEYS[1])
if not value then return nil end
return {tonumber(value), redis.call('PTTL', KEYS[1])}`;

const SET = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1`;
const DELETE = `redis.call('DEL', KEYS[1]) return 1`;

/**
 * Counters in Redis, shared by every instance that uses the same server.
 *
 * @example
 * throttle: { store: new RedisThrottleStore((s, k, a) => redis.eval(s, k.length, ...k, ...a)) }
 * @publicApi
 */
export class RedisThrottleStore implements ThrottleStore {
  constructor(
    private readonly run: RedisScriptRunner,
    private readonly prefix = 'password-grant:',
  ) {}

  async increment(
    key: string,
    ttlMs: number,
    now: number,
  ): Promise<ThrottleEntry> {
    const reply = await this.run(
      INCREMENT,
      [this.prefix + key],
      [String(ttlMs)],
    );
    return toEntry(reply, now)!;
  }

  async get(key: string, now: number): Promise<ThrottleEntry | null> {
    return toEntry(await this.run(GET, [this.prefix + key], []), now);
  }

  async set(key: string, value: number, ttlMs: number): Promise<void> {
    await this.run(
      SET,
      [this.prefix + key],
      [String(value), String(Math.max(1, ttlMs))],
    );
  }

  async delete(key: string): Promise<void> {
    await this.run(DELETE, [this.prefix + key], []);
  }
}

function toEntry(reply: unknown, now: number): ThrottleEntry | null {
  if (!Array.isArray(reply)) return null;
  const [value, ttl] = reply.map(Number);
  if (!Number.isFinite(value) || !(ttl > 0)) return null;
  return { value, expiresAt: now + ttl };
}
