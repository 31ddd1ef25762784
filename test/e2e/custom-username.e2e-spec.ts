import { getDataSourceToken } from '@nestjs/typeorm';
import * as customUsername from 'example-custom-username';
import type { DemoCredentials, DemoLogin } from 'example-custom-username';
import jwt from 'jsonwebtoken';
import { actingAs, ClientRepository } from 'nestjs-password-grant';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { basic, startExampleApp, type TestApp } from '../support/test-app.js';

const adapters = ['express', 'fastify'] as const;
const cases = databaseKinds().flatMap(kind =>
  adapters.map(adapter => ({
    kind,
    adapter,
    label: `${kind.name} + ${adapter}`,
  })),
);

// A valid RUN (check digit included) that nobody registers.
const UNREGISTERED_RUN = '11.111.111-1';

describe.each(cases)(
  'examples/custom-username ($label)',
  ({ kind, adapter }) => {
    let t: TestApp<DemoCredentials>;
    let kUserId: number;

    beforeAll(async () => {
      t = await startExampleApp(customUsername, kind, adapter, undefined, {
        THROTTLE_ENABLED: 'false',
      });
      const res = await request(t.server).post('/users').send({
        run: '20000003-k',
        name: 'Ka Example',
        password: 'k-password',
      });
      expect(res.status).toBe(201);
      kUserId = res.body.id;
    });
    afterAll(() => t?.close());

    const token =
      (login: Pick<DemoLogin, 'clientId' | 'clientSecret'>) =>
      (username: string, password: string) =>
        request(t.server)
          .post('/oauth/token')
          .type('form')
          .set('Authorization', basic(login.clientId, login.clientSecret))
          .send({ grant_type: 'password', username, password });
    const asUsers = () => token(t.demo.users);
    const asAdmins = () => token(t.demo.admins);
    const get = (path: string, accessToken: string) =>
      request(t.server).get(path).set('Authorization', `Bearer ${accessToken}`);
    const claims = (res: request.Response) =>
      jwt.decode(res.body.access_token) as jwt.JwtPayload;
    const dataSource = () => t.app.get<DataSource>(getDataSourceToken());

    describe('logging in with a RUN', () => {
      it.each([
        '12.345.678-5',
        '12345678-5',
        '123456785',
        ' 12.345.678-5 ',
        '012.345.678-5',
      ])('%j logs the demo user in', async username => {
        const res = await asUsers()(username, t.demo.users.password);
        expect(res.status).toBe(200);
        expect(claims(res)).toMatchObject({ sub: '1', provider: 'users' });
        const me = await get('/me', res.body.access_token);
        expect(me.status).toBe(200);
        expect(me.body).toEqual({
          id: 1,
          run: '12345678-5',
          name: 'Demo User',
        });
      });

      it.each(['20.000.003-K', '20.000.003-k', '20000003-K', '20000003k'])(
        '%j logs the user whose check digit is K in',
        async username => {
          const res = await asUsers()(username, 'k-password');
          expect(res.status).toBe(200);
          expect(claims(res).sub).toBe(String(kUserId));
        },
      );

      it('answers a wrong check digit exactly like an unknown user and a wrong password', async () => {
        const login = asUsers();
        const wrongDigit = await login('12.345.678-4', t.demo.users.password);
        const unknown = await login(UNREGISTERED_RUN, t.demo.users.password);
        const wrongPassword = await login('12.345.678-5', 'not-the-password');
        const notARun = await login('demo@example.com', t.demo.users.password);
        for (const res of [wrongDigit, unknown, wrongPassword, notARun]) {
          expect(res.status).toBe(400);
          expect(res.body.error).toBe('invalid_grant');
          expect(res.text).toBe(unknown.text);
          expect(res.headers['cache-control']).toBe('no-store');
        }
      });
    });

    describe('registration: POST /users', () => {
      it('stores the RUN normalised and never returns the password', async () => {
        const res = await request(t.server).post('/users').send({
          run: ' 7.654.321-6 ',
          name: 'Seven',
          password: 'password-7',
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.any(Number),
          run: '7654321-6',
          name: 'Seven',
        });
        const rows = await dataSource()
          .createQueryBuilder()
          .select('u.run', 'run')
          .from('users', 'u')
          .where('u.id = :id', { id: res.body.id })
          .getRawMany();
        expect(rows).toEqual([{ run: '7654321-6' }]);
        const login = await asUsers()('76543216', 'password-7');
        expect(login.status).toBe(200);
      });

      it.each([
        ['12.345.678-5', 'the demo RUN as written'],
        ['123456785', 'the demo RUN without dots or dash'],
        ['20.000.003-k', 'a K RUN in lower case'],
      ])('409 for %j (%s)', async run => {
        const res = await request(t.server)
          .post('/users')
          .send({ run, name: 'Again', password: 'password-again' });
        expect(res.status).toBe(409);
        expect(res.body.message).toBe('The RUN is already registered.');
      });

      it.each([
        [
          { run: '12.345.678-4', name: 'A', password: 'password-1' },
          ['run must be a RUN with a valid check digit, such as 12.345.678-5'],
        ],
        [
          { run: '12-345-678', name: 'A', password: 'password-1' },
          ['run must be a RUN with a valid check digit, such as 12.345.678-5'],
        ],
        [
          { run: 12345678, name: 'A', password: 'password-1' },
          ['run must be a RUN with a valid check digit, such as 12.345.678-5'],
        ],
        [
          { run: '9.876.543-3', name: '', password: 'short' },
          [
            'name must be longer than or equal to 1 characters',
            "password's byte length must fall into (8, 72) range",
          ],
        ],
        [
          { run: '9.876.543-3', name: 'A', password: 'ñ'.repeat(40) },
          ["password's byte length must fall into (8, 72) range"],
        ],
        [
          { run: '9.876.543-3', name: 'A', password: 'password-1', admin: 1 },
          ['property admin should not exist'],
        ],
      ])('400 for %j', async (body, messages) => {
        const res = await request(t.server).post('/users').send(body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: messages,
        });
      });
    });

    describe('two providers', () => {
      let userToken: string;
      let adminToken: string;

      beforeAll(async () => {
        userToken = (await asUsers()('12.345.678-5', t.demo.users.password))
          .body.access_token;
        adminToken = (
          await asAdmins()(t.demo.admins.username, t.demo.admins.password)
        ).body.access_token;
      });

      it('the users client logs users in, and the admins client admins', () => {
        expect(jwt.decode(userToken)).toMatchObject({
          client_id: t.demo.users.clientId,
          provider: 'users',
        });
        expect(jwt.decode(adminToken)).toMatchObject({
          client_id: t.demo.admins.clientId,
          provider: 'admins',
        });
      });

      it('the users client cannot log an admin in', async () => {
        const res = await asUsers()(
          t.demo.admins.username,
          t.demo.admins.password,
        );
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_grant');
      });

      it('the admins client cannot log a user in', async () => {
        const res = await asAdmins()('12.345.678-5', t.demo.users.password);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_grant');
      });

      it.each([
        ['user', '/me', 200],
        ['user', '/admin/me', 401],
        ['admin', '/admin/me', 200],
        ['admin', '/me', 401],
      ])("a %s's token on GET %s → %i", async (who, path, status) => {
        const res = await get(path, who === 'user' ? userToken : adminToken);
        expect(res.status).toBe(status);
        if (status === 401) {
          expect(res.body.error).toBe('invalid_token');
          expect(res.headers['www-authenticate']).toContain(
            'error="invalid_token"',
          );
        }
      });

      it('admins log in only through confidential clients: the lookup sees the client', async () => {
        const clients = t.app.get(ClientRepository);
        const publicAdmins = await clients.createPasswordClient({
          name: 'Public admins client',
          provider: 'admins',
          public: true,
        });
        const publicUsers = await clients.createPasswordClient({
          name: 'Public users client',
          public: true,
        });
        const viaPublic = (
          clientId: string,
          username: string,
          password: string,
        ) =>
          request(t.server).post('/oauth/token').type('form').send({
            grant_type: 'password',
            client_id: clientId,
            username,
            password,
          });
        const admin = await viaPublic(
          publicAdmins.client.id,
          t.demo.admins.username,
          t.demo.admins.password,
        );
        expect(admin.status).toBe(400);
        expect(admin.body.error).toBe('invalid_grant');
        const user = await viaPublic(
          publicUsers.client.id,
          '12.345.678-5',
          t.demo.users.password,
        );
        expect(user.status).toBe(200);
      });
    });

    describe('admins: POST /admins', () => {
      const newAdmin = {
        email: 'Second.Admin@Example.com',
        name: 'Second Admin',
        password: 'second-password',
      };

      it('refuses callers without an admin token', async () => {
        const anonymous = await request(t.server)
          .post('/admins')
          .send(newAdmin);
        expect(anonymous.status).toBe(401);
        const user = await asUsers()('12.345.678-5', t.demo.users.password);
        const withUserToken = await request(t.server)
          .post('/admins')
          .set('Authorization', `Bearer ${user.body.access_token}`)
          .send(newAdmin);
        expect(withUserToken.status).toBe(401);
      });

      it('lets an admin create an admin, who then logs in by email', async () => {
        const admin = await asAdmins()(
          t.demo.admins.username,
          t.demo.admins.password,
        );
        const post = (body: object) =>
          request(t.server)
            .post('/admins')
            .set('Authorization', `Bearer ${admin.body.access_token}`)
            .send(body);
        const created = await post(newAdmin);
        expect(created.status).toBe(201);
        expect(created.body).toEqual({
          id: expect.any(Number),
          email: 'second.admin@example.com',
          name: 'Second Admin',
        });
        expect((await post(newAdmin)).status).toBe(409);
        const invalid = await post({ ...newAdmin, email: 'not-an-email' });
        expect(invalid.status).toBe(400);
        expect(invalid.body.message).toEqual(['email must be an email']);
        const login = await asAdmins()(
          'second.admin@example.com',
          'second-password',
        );
        expect(login.status).toBe(200);
        expect(claims(login).sub).toBe(String(created.body.id));
      });
    });

    describe('actingAs (testing helper)', () => {
      it('acts as a user of the default provider on the users routes only', async () => {
        const { authorization } = await actingAs(t.app, {
          userId: kUserId,
          clientId: t.demo.users.clientId,
        });
        const me = await request(t.server)
          .get('/me')
          .set('Authorization', authorization);
        expect(me.status).toBe(200);
        expect(me.body).toEqual({
          id: kUserId,
          run: '20000003-K',
          name: 'Ka Example',
        });
        const adminRoute = await request(t.server)
          .get('/admin/me')
          .set('Authorization', authorization);
        expect(adminRoute.status).toBe(401);
      });

      it('acts as an admin with provider "admins"', async () => {
        const { authorization } = await actingAs(t.app, {
          userId: 1,
          provider: 'admins',
          scopes: ['read', 'write'],
        });
        const me = await request(t.server)
          .get('/admin/me')
          .set('Authorization', authorization);
        expect(me.status).toBe(200);
        expect(me.body.email).toBe('admin@example.com');
        const usersRoute = await request(t.server)
          .get('/me')
          .set('Authorization', authorization);
        expect(usersRoute.status).toBe(401);
      });
    });
  },
);
