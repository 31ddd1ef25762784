import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseThrottleStore,
  passwordGrantMigrations,
} from '../../src/index.js';

interface Target {
  name: string;
  open(): Promise<{ make: () => DataSource; drop: () => Promise<void> }>;
}

const sqlite: Target = {
  name: 'sqlite',
  open() {
    const file = join(mkdtempSync(join(tmpdir(), 'throttle-')), 'db.sqlite');
    return Promise.resolve({
      make: () =>
        new DataSource({
          type: 'better-sqlite3',
          database: file,
          migrations: passwordGrantMigrations,
        }),
      drop: () => Promise.resolve(),
    });
  },
};

function postgres(serverUrl: string): Target {
  return {
    name: 'postgres',
    async open() {
      const name = `throttle_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        make: () =>
          new DataSource({
            type: 'postgres',
            url: url.toString(),
            migrations: passwordGrantMigrations,
          }),
        async drop() {
          const client = new pg.Client({ connectionString: serverUrl });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    },
  };
}

const pgUrl = process.env.PG_URL;
const targets = pgUrl ? [sqlite, postgres(pgUrl)] : [sqlite];

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
