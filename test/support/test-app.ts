import type { INestApplication } from '@nestjs/common';
import * as basicExample from 'example-basic';
import type { DemoCredentials } from 'example-basic';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseKind, TestDatabase } from './databases.js';

/** One running example app with its own database and keys. */
export interface TestApp<TDemo = DemoCredentials> {
  app: INestApplication;
  server: ReturnType<INestApplication['getHttpServer']>;
  demo: TDemo;
  keysDir: string;
  databaseUrl: string;
  issuer: string;
  close(): Promise<void>;
}

/** A keys folder shared by the apps of one test file. */
export function tempKeysDir(): string {
  return mkdtempSync(join(tmpdir(), 'password-grant-keys-'));
}

/** What the test apps need of an example package. */
export interface Example<TConfig extends { issuer: string }, TDemo> {
  readConfig(env: NodeJS.ProcessEnv): TConfig;
  createApp(
    config: TConfig,
    options: { logger?: false },
  ): Promise<{ app: INestApplication; demo: TDemo | null }>;
}

/** Starts examples/basic (users by email). */
export function startTestApp(
  kind: DatabaseKind,
  adapter: 'express' | 'fastify',
  keysDir = tempKeysDir(),
  env: NodeJS.ProcessEnv = {},
): Promise<TestApp> {
  return startExampleApp(basicExample, kind, adapter, keysDir, env);
}

/** Starts an example on a database of its own, seeded with its demo. */
export async function startExampleApp<
  TConfig extends { issuer: string },
  TDemo,
>(
  example: Example<TConfig, TDemo>,
  kind: DatabaseKind,
  adapter: 'express' | 'fastify',
  keysDir = tempKeysDir(),
  env: NodeJS.ProcessEnv = {},
): Promise<TestApp<TDemo>> {
  const database: TestDatabase = await kind.create();
  const config = example.readConfig({
    DATABASE_URL: database.url,
    PASSWORD_GRANT_KEYS_DIR: keysDir,
    HTTP_ADAPTER: adapter,
    // Most specs send many requests from one address and many wrong
    // passwords; the brute-force specs turn the defence back on.
    THROTTLE_ENABLED: 'false',
    ...env,
  });
  const { app, demo } = await example.createApp(config, { logger: false });
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
