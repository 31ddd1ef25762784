import { Injectable, type INestApplication } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PasswordGrantModule,
  type PasswordGrantEventMap,
} from '../../src/index.js';
import {
  boot,
  database,
  keys,
  MembersModule,
  PASSWORD,
} from '../fixtures/host-app.js';

/** A host listener, as a Nest app writes one with @OnEvent. */
@Injectable()
class AuditListener {
  static readonly seen: { name: string; event: unknown }[] = [];

  @OnEvent('password-grant.**')
  record(event: unknown): void {
    AuditListener.seen.push({ name: 'any', event });
  }

  @OnEvent('password-grant.access_token.issued')
  issued(event: PasswordGrantEventMap['access_token.issued']): void {
    AuditListener.seen.push({ name: 'access_token.issued', event });
  }
}

describe('events reach @nestjs/event-emitter when the host uses it (SPEC §3.4)', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('forwards each event as password-grant.<name>, with ids only', async () => {
    const booted = await boot(
      [
        database(),
        EventEmitterModule.forRoot({ wildcard: true }),
        MembersModule,
        PasswordGrantModule.forRoot({
          keys: { privateKey: keys.privateKey },
          issuer: 'https://members.example.com',
          userProvider: {
            findForPassport: (phone: string) =>
              phone === '+56911112222' ? { id: 7, password: '' } : null,
            validateForPassportPasswordGrant: (_: unknown, password: string) =>
              password === PASSWORD,
          },
        }),
      ],
      [AuditListener],
    );
    app = booted.app;
    const res = await request(app.getHttpServer())
      .post('/oauth/token')
      .type('form')
      .send({
        grant_type: 'password',
        client_id: booted.clientId,
        client_secret: booted.clientSecret,
        username: '+56911112222',
        password: PASSWORD,
      });
    expect(res.status).toBe(200);
    const issued = AuditListener.seen.find(
      entry => entry.name === 'access_token.issued',
    );
    expect(issued?.event).toMatchObject({
      clientId: booted.clientId,
      userId: '7',
    });
    expect(
      AuditListener.seen.filter(entry => entry.name === 'any').length,
    ).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(AuditListener.seen)).not.toContain(
      res.body.access_token as string,
    );
  });
});
