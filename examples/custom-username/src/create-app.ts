import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  PRIVATE_KEY_FILE,
  useOAuthErrorResponses,
  writeKeyPair,
} from 'nestjs-password-grant';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config.js';
import { seedDemo, type DemoCredentials } from './seed.js';

/** Creates the key pair and the SQLite folder on first start. */
export async function prepare(config: AppConfig): Promise<void> {
  if (!existsSync(join(config.keysDir, PRIVATE_KEY_FILE))) {
    await writeKeyPair(config.keysDir, { length: 2048 });
  }
  if (config.databaseUrl.startsWith('sqlite:')) {
    mkdirSync(dirname(config.databaseUrl.slice('sqlite:'.length)), {
      recursive: true,
    });
  }
}

export interface CreatedApp {
  app: INestApplication;
  /** Set on first start, when the demo clients were just created. */
  demo: DemoCredentials | null;
}

/** Builds the example app on Express or Fastify, migrated and seeded. */
export async function createApp(
  config: AppConfig,
  options: { logger?: false } = {},
): Promise<CreatedApp> {
  await prepare(config);
  const module = AppModule.forRoot(config);
  const app =
    config.httpAdapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), options)
      : await NestFactory.create(module, options);
  app.enableShutdownHooks();
  // Malformed or oversized bodies fail in the body parser, before the
  // OAuth controller: answer them with RFC 6749 error bodies too.
  useOAuthErrorResponses(app);
  await app.init();
  if (config.httpAdapter === 'fastify') {
    await (
      app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }
    ).ready();
  }
  const demo = config.seedDemo ? await seedDemo(app) : null;
  return { app, demo };
}
