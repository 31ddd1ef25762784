import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseThrottleStore } from '../../src/index.js';
import { databaseTargets as targets } from '../support/database-targets.js';

describe.each(targets)('DatabaseThrottleStore on $name (SPEC §7.4)', target => {
  let first: DataSource;
  let second: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await target.open();
    drop = opened.drop;
    first = await opened.make().initialize();
    await first.runMigrations();
    second = await opened.make().initialize();
  });
  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
    await drop?.();
  });

  it('counts atomically across two instances', async () => {
    const a = new DatabaseThrottleStore(first);
    const b = new DatabaseThrottleStore(second);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).increment('addr:1', 60_000, 1000),
      ),
    );
    const values = results.map(entry => entry.value).sort((x, y) => x - y);
    expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await b.get('addr:1', 2000)).toEqual({
      value: 40,
      expiresAt: 61_000,
    });
  });

  it('starts a new window once the old one expired', async () => {
    const store = new DatabaseThrottleStore(first);
    await store.increment('addr:2', 1000, 0);
    await store.increment('addr:2', 1000, 10);
    expect(await store.increment('addr:2', 1000, 1000)).toEqual({
      value: 1,
      expiresAt: 2000,
    });
  });

  it('sets, reads and deletes values with an expiry', async () => {
    const store = new DatabaseThrottleStore(second);
    await store.set('lock:x', 1, 5000, 0);
    expect(await store.get('lock:x', 4999)).toEqual({
      value: 1,
      expiresAt: 5000,
    });
    expect(await store.get('lock:x', 5000)).toBeNull();
    await store.delete('lock:x');
    expect(await new DatabaseThrottleStore(first).get('lock:x', 0)).toBeNull();
  });
});
