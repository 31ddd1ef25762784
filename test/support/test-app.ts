import type { INestApplication } from '@nestjs/common';
import { createApp, readConfig, type DemoCredentials } from 'example-basic';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseKind, TestDatabase } from './databases.js';

/** One running example app with its own database and keys. */
export interface TestApp {
  app: INestApplication;
  server: ReturnType<INestApplication['getHttpServer']>;
  demo: DemoCredentials;
  keysDir: string;
  databaseUrl: string;
  issuer: string;
  close(): Promise<void>;
}

/** A keys folder shared by the apps of one test file. */
export function tempKeysDir(): string {
  return mkdtempSync(join(tmpdir(), 'password-grant-keys-'));
}

export async function startTestApp(
  kind: DatabaseKind,
  adapter: 'express' | 'fastify',
  keysDir = tempKeysDir(),
  env: NodeJS.ProcessEnv = {},
): Promise<TestApp> {
  const database: TestDatabase = await kind.create();
  const config = readConfig({
    DATABASE_URL: database.url,
    PASSWORD_GRANT_KEYS_DIR: keysDir,
    HTTP_ADAPTER: adapter,
    ...env,
  });
  const { app, demo } = await createApp(config, { logger: false });
  if (!demo) throw new Error('The demo client was not created.');
  return {
    app,
    server: app.getHttpServer(),
    demo,
    keysDir,
    databaseUrl: database.url,
    issuer: config.issuer,
    async close() {
      await app.close();
      await database.drop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

/** `Authorization: Basic` for a client, each part form-encoded first. */
export function basic(id: string, secret: string): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}
