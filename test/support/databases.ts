import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A database a test file owns, and how to throw it away. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

/** The server URL PostgreSQL tests use, when the run asked for them. */
export function postgresUrl(): string | undefined {
  const url = process.env.PG_URL ?? process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

/** True when the run must include PostgreSQL (CI sets it). */
export function postgresRequired(): boolean {
  return process.env.PASSWORD_GRANT_REQUIRE_POSTGRES === '1';
}

const sqlite: DatabaseKind = {
  name: 'sqlite',
  create() {
    const dir = mkdtempSync(join(tmpdir(), 'password-grant-db-'));
    return Promise.resolve({
      url: `sqlite:${join(dir, 'app.sqlite')}`,
      drop: () =>
        Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    });
  },
};

function postgres(serverUrl: string): DatabaseKind {
  return {
    name: 'postgres',
    async create() {
      const name = `password_grant_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
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

/** SQLite always; PostgreSQL too when the run gives a server URL. */
export function databaseKinds(): DatabaseKind[] {
  const url = postgresUrl();
  return url ? [sqlite, postgres(url)] : [sqlite];
}
