import { describe, expect, it } from 'vitest';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { LoginThrottler } from './login-throttler.service.js';
import { MemoryThrottleStore } from './memory-throttle.store.js';
import type { ThrottleOptions } from './throttle-options.interface.js';

function throttler(options: ThrottleOptions = {}) {
  const clock = { now: 1_000_000 };
  const service = new LoginThrottler({
    throttle: { now: () => clock.now, ...options },
  } as PasswordGrantConfig);
  return { service, clock };
}

const origin = { address: '203.0.113.7' };

/** One login attempt as the token endpoint makes it. */
async function attempt(
  service: LoginThrottler,
  correct: boolean,
  from = origin,
): Promise<'ok' | 'invalid_grant'> {
  const keys = await service.keysFor('ana@example.com', from);
  if (await service.isLocked(keys)) return 'invalid_grant';
  await service.recordCheck(keys);
  if (correct) {
    await service.recordSuccess(keys);
    return 'ok';
  }
  await service.recordFailure(keys);
  return 'invalid_grant';
}

describe('LoginThrottler per-account lockout (SECURITY B2, B4, B5)', () => {
  it('locks after 5 failures, refuses the right password for 60 s, then resets on success', async () => {
    const { service, clock } = throttler();
    for (let i = 0; i < 5; i++) {
      clock.now += 2000;
      expect(await attempt(service, false)).toBe('invalid_grant');
    }
    clock.now += 59_000;
    expect(await attempt(service, true)).toBe('invalid_grant');
    clock.now += 2_000;
    expect(await attempt(service, true)).toBe('ok');
    clock.now += 2000;
    await attempt(service, false);
    clock.now += 2000;
    expect(await attempt(service, true)).toBe('ok');
  });

  it('does not count failures while locked, so the next lock is the same step', async () => {
    const { service, clock } = throttler();
    for (let i = 0; i < 5; i++) {
      clock.now += 2000;
      await attempt(service, false);
    }
    for (let i = 0; i < 10; i++) {
      clock.now += 1000;
      expect(await attempt(service, false)).toBe('invalid_grant');
    }
    clock.now += 61_000;
    await attempt(service, false);
    clock.now += 59_000;
    expect(
      await service.isLocked(await service.keysFor('ana@example.com', origin)),
    ).toBe(true);
    clock.now += 2_000;
    expect(
      await service.isLocked(await service.keysFor('ana@example.com', origin)),
    ).toBe(false);
  });

  it('locks for 60 s after two failures less than a second apart', async () => {
    const { service, clock } = throttler();
    await attempt(service, false);
    clock.now += 500;
    await attempt(service, false);
    clock.now += 59_000;
    expect(await attempt(service, true)).toBe('invalid_grant');
    clock.now += 1_500;
    expect(await attempt(service, true)).toBe('ok');
  });

  it('keeps other addresses and other accounts unaffected (SECURITY B8)', async () => {
    const { service, clock } = throttler();
    for (let i = 0; i < 5; i++) {
      clock.now += 2000;
      await attempt(service, false);
    }
    expect(await attempt(service, true, { address: '198.51.100.1' })).toBe(
      'ok',
    );
    expect(
      await service.isLocked(await service.keysFor('bob@example.com', origin)),
    ).toBe(false);
  });

  it('lets an administrator unlock an account at once', async () => {
    const { service, clock } = throttler();
    for (let i = 0; i < 5; i++) {
      clock.now += 2000;
      await attempt(service, false);
    }
    await service.unlock('ana@example.com');
    expect(await attempt(service, true)).toBe('ok');
  });

  it('allows at most 100 password checks per account per hour from any number of addresses (SECURITY B1)', async () => {
    const { service, clock } = throttler();
    const start = clock.now;
    let checks = 0;
    let address = 0;
    // An attacker with fresh addresses tries once a second for an hour.
    while (clock.now - start < 3_600_000) {
      const from = {
        address: `10.0.${Math.floor(address / 250)}.${address % 250}`,
      };
      const keys = await service.keysFor('ana@example.com', from);
      if (!(await service.isLocked(keys))) {
        checks += 1;
        await service.recordCheck(keys);
        await service.recordFailure(keys);
      }
      address += 1;
      clock.now += 1000;
    }
    expect(checks).toBeLessThanOrEqual(100);
    expect(checks).toBeGreaterThan(50);
  });

  it('keeps one address honouring every lock under 56 checks an hour', async () => {
    const { service, clock } = throttler();
    const start = clock.now;
    let checks = 0;
    while (clock.now - start < 3_600_000) {
      const keys = await service.keysFor('ana@example.com', origin);
      if (!(await service.isLocked(keys))) {
        checks += 1;
        await service.recordCheck(keys);
        await service.recordFailure(keys);
      }
      clock.now += 1500;
    }
    expect(checks).toBeLessThanOrEqual(56);
  });
});

describe('LoginThrottler per-address limit (SECURITY B6, B7)', () => {
  it('answers 429 with Retry-After after the limit, and again after the window', async () => {
    const { service, clock } = throttler({
      perAddress: { limit: 10, windowSeconds: 60 },
    });
    for (let i = 0; i < 10; i++) await service.assertAddressAllowed(origin);
    const error = await service
      .assertAddressAllowed(origin)
      .catch(e => e as OAuthErrorException);
    expect(error).toBeInstanceOf(OAuthErrorException);
    expect((error as OAuthErrorException).getStatus()).toBe(429);
    expect((error as OAuthErrorException).headers['Retry-After']).toBe('60');
    clock.now += 60_001;
    await expect(service.assertAddressAllowed(origin)).resolves.toBeUndefined();
  });

  it('ignores X-Forwarded-For without trusted proxies', () => {
    const { service } = throttler();
    expect(service.clientAddress('127.0.0.1', '1.2.3.4')).toBe('127.0.0.1');
  });

  it('takes the entry the trusted proxy added', () => {
    const { service } = throttler({ trustedProxies: 1 });
    expect(service.clientAddress('10.0.0.1', '6.6.6.6, 1.2.3.4')).toBe(
      '1.2.3.4',
    );
  });

  it('throttles client-secret guessing per client id (SECURITY B11)', async () => {
    const { service } = throttler({
      clientAuthentication: { limit: 3, windowSeconds: 60 },
    });
    for (let i = 0; i < 3; i++) {
      await service.assertClientAttemptsAllowed('client-a', {
        address: `10.0.0.${i}`,
      });
      await service.recordClientFailure('client-a', { address: `10.0.0.${i}` });
    }
    await expect(
      service.assertClientAttemptsAllowed('client-a', { address: '10.9.9.9' }),
    ).rejects.toBeInstanceOf(OAuthErrorException);
  });

  it('does nothing when disabled', async () => {
    const { service } = throttler({
      enabled: false,
      perAddress: { limit: 1, windowSeconds: 60 },
    });
    for (let i = 0; i < 5; i++) await service.assertAddressAllowed(origin);
  });
});

describe('MemoryThrottleStore', () => {
  it('stays bounded: 100 000 keys fit and the oldest go first', async () => {
    const store = new MemoryThrottleStore(100_000);
    for (let i = 0; i < 150_000; i++)
      await store.increment(`addr:10.${i}`, 60_000, 0);
    expect(store.size).toBe(100_000);
    expect(await store.get('addr:10.0', 1)).toBeNull();
    expect(await store.get('addr:10.149999', 1)).toEqual({
      value: 1,
      expiresAt: 60_000,
    });
  });

  it('expires entries', async () => {
    const store = new MemoryThrottleStore();
    await store.increment('k', 1000, 0);
    expect(await store.get('k', 999)).not.toBeNull();
    expect(await store.get('k', 1000)).toBeNull();
  });
});

describe('ConcurrencyLimiter (SPEC §7.6)', () => {
  it('runs at most N tasks at once and refuses beyond the queue with 503', async () => {
    const limiter = new ConcurrencyLimiter(2, 1);
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const task = () =>
      limiter.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>(resolve => release.push(resolve));
        running -= 1;
      });
    const tasks = [task(), task(), task()];
    const refused = await task().catch(e => e as OAuthErrorException);
    expect(refused).toBeInstanceOf(OAuthErrorException);
    expect((refused as OAuthErrorException).getStatus()).toBe(503);
    while (release.length > 0 || running > 0) {
      release.shift()?.();
      await new Promise(resolve => setImmediate(resolve));
    }
    await Promise.all(tasks);
    expect(peak).toBe(2);
  });
});
