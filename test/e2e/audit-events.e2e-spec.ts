import {
  PasswordGrantEvents,
  type PasswordGrantEventMap,
} from 'nestjs-password-grant';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { basic, startTestApp, type TestApp } from '../support/test-app.js';

type Failure = PasswordGrantEventMap['user.authentication_failed'];

describe('one audit event per login attempt (SECURITY B19)', () => {
  let t: TestApp;
  const failures: Failure[] = [];
  const issued: PasswordGrantEventMap['access_token.issued'][] = [];

  beforeAll(async () => {
    t = await startTestApp(databaseKinds()[0], 'express', undefined, {
      THROTTLE_ENABLED: 'true',
      THROTTLE_PER_MINUTE: '1000',
    });
    const events = t.app.get(PasswordGrantEvents);
    events.on('user.authentication_failed', event => void failures.push(event));
    events.on('access_token.issued', event => void issued.push(event));
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string) =>
    request(t.server)
      .post('/oauth/token')
      .set('Authorization', basic(t.demo.clientId, t.demo.clientSecret))
      .type('form')
      .send({ grant_type: 'password', username, password });

  it('tells unknown user, wrong password and lock apart in the event only', async () => {
    const unknown = await login('nobody@example.com', 'whatever');
    const wrong = await login(t.demo.username, 'wrong-1');
    for (let i = 2; i <= 5; i++) await login(t.demo.username, `wrong-${i}`);
    const locked = await login(t.demo.username, t.demo.password);
    expect(new Set([unknown.text, wrong.text, locked.text]).size).toBe(1);

    const base = {
      clientId: t.demo.clientId,
      provider: 'users',
      address: expect.any(String),
    };
    expect(failures).toHaveLength(7);
    expect(failures[0]).toEqual({
      ...base,
      reason: 'unknown_user',
      userId: null,
    });
    expect(failures[1]).toEqual({
      ...base,
      reason: 'bad_password',
      userId: '1',
    });
    expect(failures[6]).toEqual({ ...base, reason: 'locked', userId: '1' });
    expect(JSON.stringify(failures)).not.toMatch(
      /wrong-|whatever|nobody|demo@/,
    );
    expect(issued).toHaveLength(0);
  });

  it('emits access_token.issued once for a success, with ids and no token', async () => {
    const other = await request(t.server).post('/users').send({
      name: 'Audit',
      email: 'audit@example.com',
      password: 'audit-password',
    });
    expect(other.status).toBe(201);
    const res = await login('audit@example.com', 'audit-password');
    expect(res.status).toBe(200);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      clientId: t.demo.clientId,
      userId: String(other.body.id),
    });
    expect(JSON.stringify(issued)).not.toContain(
      res.body.access_token as string,
    );
  });
});
