import type { LoggerService } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_KEY_FILE } from 'nestjs-password-grant';
import request from 'supertest';
import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

function describePart(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  try {
    return JSON.stringify(part);
  } catch {
    return '[unserialisable]';
  }
}

/** Every line the app writes: Nest logger, TypeORM queries, stdout, stderr. */
class Capture implements LoggerService, TypeOrmLogger {
  readonly lines: string[] = [];
  private record = (...parts: unknown[]) => {
    this.lines.push(parts.map(describePart).join(' '));
  };
  log = this.record;
  error = this.record;
  warn = this.record;
  debug = this.record;
  verbose = this.record;
  fatal = this.record;
  logQuery = this.record;
  logQueryError = this.record;
  logQuerySlow = this.record;
  logSchemaBuild = this.record;
  logMigration = this.record;
}

describe.each(databaseKinds())(
  'nothing secret reaches the logs ($name, SECURITY B18)',
  kind => {
    let t: TestApp;
    const capture = new Capture();
    const writes: string[] = [];
    const original = {
      stdout: process.stdout.write.bind(process.stdout),
      stderr: process.stderr.write.bind(process.stderr),
    };

    beforeAll(async () => {
      t = await startTestApp(kind, 'express');
      t.app.useLogger(capture);
      const dataSource = t.app.get<DataSource>(getDataSourceToken());
      Object.defineProperty(dataSource, 'logger', {
        value: capture,
        configurable: true,
      });
      const tee =
        (stream: 'stdout' | 'stderr') =>
        (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
          writes.push(String(chunk));
          return (original[stream] as (...args: unknown[]) => boolean)(
            chunk,
            ...rest,
          );
        };
      process.stdout.write = tee('stdout');
      process.stderr.write = tee('stderr');
    });
    afterAll(async () => {
      process.stdout.write = original.stdout;
      process.stderr.write = original.stderr;
      await t?.close();
    });

    it('logs no password, secret, token, Authorization header or key after a full flow', async () => {
      const auth = basic(t.demo.clientId, t.demo.clientSecret);
      const form = {
        grant_type: 'password',
        username: t.demo.username,
        password: t.demo.password,
      };
      const ok = await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .type('form')
        .send(form);
      expect(ok.status).toBe(200);
      const wrongPassword = 'wrong-password-4711';
      await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .type('form')
        .send({ ...form, password: wrongPassword });
      await request(t.server)
        .post('/oauth/token')
        .set('Authorization', basic(t.demo.clientId, 'guessed-secret-99'))
        .type('form')
        .send(form);
      await request(t.server)
        .post('/oauth/token')
        .type('form')
        .send({
          ...form,
          client_id: t.demo.clientId,
          client_secret: 'guessed-secret-99',
        });
      const bearer = `Bearer ${ok.body.access_token as string}`;
      expect(
        (await request(t.server).get('/me').set('Authorization', bearer))
          .status,
      ).toBe(200);
      await request(t.server)
        .get('/me')
        .set('Authorization', `${bearer}tampered`);
      await request(t.server)
        .post('/oauth/token')
        .set('Authorization', auth)
        .type('form')
        .send({
          grant_type: 'refresh_token',
          refresh_token: ok.body.refresh_token as string,
        });
      await request(t.server)
        .post('/oauth/revoke')
        .set('Authorization', auth)
        .type('form')
        .send({ token: ok.body.refresh_token as string });

      const keyBody = readFileSync(
        join(t.keysDir, PRIVATE_KEY_FILE),
        'utf8',
      ).split('\n')[1];
      const secrets = [
        t.demo.password,
        wrongPassword,
        t.demo.clientSecret,
        'guessed-secret-99',
        ok.body.access_token as string,
        (ok.body.access_token as string).split('.')[2],
        ok.body.refresh_token as string,
        auth,
        keyBody,
      ];
      const everything = [...capture.lines, ...writes].join('\n');
      expect(
        capture.lines.some(line => /SELECT|INSERT|UPDATE/.test(line)),
      ).toBe(true);
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  },
);
