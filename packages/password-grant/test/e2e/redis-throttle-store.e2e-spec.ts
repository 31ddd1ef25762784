import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottler, RedisThrottleStore } from '../../src/index.js';
import type { PasswordGrantConfig } from '../../src/password-grant-config.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const required = process.env.PASSWORD_GRANT_REQUIRE_REDIS === '1';

/** True when a Redis server answers at `url`. */
async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

// CI sets PASSWORD_GRANT_REQUIRE_REDIS=1, and then a missing Redis fails
// the run; elsewhere the Redis tests are skipped with one visible line.
const available = required || (await redisAnswers());
if (!available) {
  console.log(
    `[password-grant tests] Redis tests skipped: no Redis at ${url}.`,
  );
}

describe.skipIf(!available)('RedisThrottleStore (SPEC §7.4)', () => {
  let first: Redis;
  let second: Redis;
  const prefix = `test-${randomBytes(4).toString('hex')}:`;
  const store = (redis: Redis) =>
    new RedisThrottleStore(
      (script, keys, args) => redis.eval(script, keys.length, ...keys, ...args),
      prefix,
    );

  beforeAll(async () => {
    const options = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
    };
    first = new Redis(url, options);
    second = new Redis(url, options);
    await first.connect();
    await second.connect();
  });
  afterAll(async () => {
    const keys = await first?.keys(`${prefix}*`);
    if (keys?.length) await first.del(...keys);
    first?.disconnect();
    second?.disconnect();
  });

  it('counts atomically across two connections, as two instances would', async () => {
    const a = store(first);
    const b = store(second);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).increment('addr:1', 60_000, 0),
      ),
    );
    expect(results.map(entry => entry.value).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const entry = await b.get('addr:1', 0);
    expect(entry?.value).toBe(40);
    expect(entry!.expiresAt).toBeGreaterThan(59_000);
    expect(entry!.expiresAt).toBeLessThanOrEqual(60_000);
  });

  it('expires counters and values by their time to live', async () => {
    const s = store(first);
    await s.increment('short', 50, 0);
    await s.set('lock', 1, 50);
    await new Promise(resolve => setTimeout(resolve, 120));
    expect(await s.get('short', 0)).toBeNull();
    expect(await s.get('lock', 0)).toBeNull();
    expect((await s.increment('short', 50, 0)).value).toBe(1);
  });

  it('deletes values', async () => {
    const s = store(second);
    await s.set('gone', 3, 60_000);
    expect((await s.get('gone', 0))?.value).toBe(3);
    await s.delete('gone');
    expect(await s.get('gone', 0)).toBeNull();
  });

  it('drives the per-address limit shared by two throttlers', async () => {
    const throttler = (redis: Redis) =>
      new LoginThrottler({
        throttle: {
          store: store(redis),
          perAddress: { limit: 3, windowSeconds: 60 },
        },
      } as unknown as PasswordGrantConfig);
    const [a, b] = [throttler(first), throttler(second)];
    const origin = { address: '192.0.2.1' };
    await a.assertAddressAllowed(origin);
    await b.assertAddressAllowed(origin);
    await a.assertAddressAllowed(origin);
    await expect(b.assertAddressAllowed(origin)).rejects.toMatchObject({
      error: 'too_many_requests',
    });
  });
});
