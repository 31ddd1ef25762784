import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { passwordGrantMigrations } from '../../src/index.js';

/** A database the library's own e2e specs run on. */
export interface DatabaseTarget {
  name: string;
  /** A fresh, empty database: `make` opens a DataSource on it. */
  open(
    extra?: Partial<DataSourceOptions>,
  ): Promise<{ make: () => DataSource; drop: () => Promise<void> }>;
}

const sqlite: DatabaseTarget = {
  name: 'sqlite',
  open(extra = {}) {
    const file = join(mkdtempSync(join(tmpdir(), 'pg-lib-')), 'db.sqlite');
    return Promise.resolve({
      make: () =>
        new DataSource({
          type: 'better-sqlite3',
          database: file,
          migrations: passwordGrantMigrations,
          ...extra,
        } as DataSourceOptions),
      drop: () => Promise.resolve(),
    });
  },
};

function postgres(serverUrl: string): DatabaseTarget {
  return {
    name: 'postgres',
    async open(extra = {}) {
      const name = `lib_${randomBytes(5).toString('hex')}`;
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
            ...extra,
          } as DataSourceOptions),
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
if (!pgUrl && process.env.PASSWORD_GRANT_REQUIRE_POSTGRES === '1') {
  throw new Error('PASSWORD_GRANT_REQUIRE_POSTGRES=1 but PG_URL is not set.');
}

/** SQLite always; PostgreSQL too when PG_URL names a server. */
export const databaseTargets: DatabaseTarget[] = pgUrl
  ? [sqlite, postgres(pgUrl)]
  : [sqlite];
