import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PasswordGrantModule,
  type PasswordGrantModuleOptions,
  type PasswordGrantOptionsFactory,
} from '../../src/index.js';
import {
  boot,
  database,
  keys,
  MemberProvider,
  MembersModule,
  MembersService,
  PASSWORD,
  type Member,
} from '../fixtures/host-app.js';

const base = {
  keys: { privateKey: keys.privateKey },
  issuer: 'https://members.example.com',
  scopes: { read: 'Read' },
};

@Injectable()
class OptionsFactory implements PasswordGrantOptionsFactory {
  constructor(private readonly members: MembersService) {}

  createPasswordGrantOptions(): PasswordGrantModuleOptions<Member> {
    return {
      ...base,
      userProvider: {
        findForPassport: phone => this.members.findByPhone(phone),
        getAuthPassword: member => member.hash,
      },
    };
  }
}

const styles: [string, unknown][] = [
  [
    'forRoot with a provider class',
    PasswordGrantModule.forRoot({
      ...base,
      userProvider: MemberProvider,
      imports: [MembersModule],
    } as never),
  ],
  [
    'forRootAsync with useFactory and inject',
    PasswordGrantModule.forRootAsync({
      imports: [MembersModule],
      inject: [MembersService],
      useFactory: (members: MembersService) => ({
        ...base,
        userProvider: {
          findForPassport: (phone: string) => members.findByPhone(phone),
        },
        validateForPassportPasswordGrant: (member: Member, password: string) =>
          member.active && password === PASSWORD,
      }),
    }),
  ],
  [
    'forRootAsync with useClass',
    PasswordGrantModule.forRootAsync({
      imports: [MembersModule],
      useClass: OptionsFactory,
    }),
  ],
];

describe.each(styles)(
  'PasswordGrantModule registered by %s',
  (_, passwordGrant) => {
    let app: INestApplication | undefined;
    afterEach(() => app?.close());

    it('issues a token for a member found by the host lookup, which the guard accepts', async () => {
      const booted = await boot([database(), MembersModule, passwordGrant]);
      app = booted.app;
      const form = (password: string) => ({
        grant_type: 'password',
        client_id: booted.clientId,
        client_secret: booted.clientSecret,
        username: '+56911112222',
        password,
      });
      const ok = await request(app.getHttpServer())
        .post('/oauth/token')
        .type('form')
        .send(form(PASSWORD));
      expect(ok.status).toBe(200);
      const profile = await request(app.getHttpServer())
        .get('/profile')
        .set('Authorization', `Bearer ${ok.body.access_token}`);
      expect(profile.status).toBe(200);
      expect(profile.body).toEqual({
        id: '7',
        clientId: booted.clientId,
        provider: 'users',
        scopes: [],
      });

      const wrong = await request(app.getHttpServer())
        .post('/oauth/token')
        .type('form')
        .send(form('nope'));
      const unknown = await request(app.getHttpServer())
        .post('/oauth/token')
        .type('form')
        .send({ ...form(PASSWORD), username: '+10000000000' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_grant');
      expect(unknown.text).toBe(wrong.text);
    });
  },
);

describe('password hooks', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('answers a hook that returns false exactly like a wrong password', async () => {
    const booted = await boot([
      database(),
      PasswordGrantModule.forRootAsync({
        imports: [MembersModule],
        inject: [MembersService],
        useFactory: (members: MembersService) => ({
          ...base,
          userProvider: MemberProvider,
          findForPassport: (phone: string) => members.findByPhone(phone),
          validateForPassportPasswordGrant: (
            member: Member,
            password: string,
          ) => member.active && password === PASSWORD,
        }),
      }),
    ]);
    app = booted.app;
    const send = (username: string, password: string) =>
      request(app!.getHttpServer()).post('/oauth/token').type('form').send({
        grant_type: 'password',
        client_id: booted.clientId,
        client_secret: booted.clientSecret,
        username,
        password,
      });
    const inactive = await send('+56933334444', PASSWORD);
    const wrong = await send('+56911112222', 'nope');
    expect(inactive.status).toBe(400);
    expect(inactive.text).toBe(wrong.text);
    expect((await send('+56911112222', PASSWORD)).status).toBe(200);
  });

  it('verifies a Laravel $2y$ hash unchanged with the default bcrypt check', async () => {
    const booted = await boot([
      database(),
      MembersModule,
      PasswordGrantModule.forRoot({
        ...base,
        userProvider: MemberProvider,
        imports: [MembersModule],
      } as never),
    ]);
    app = booted.app;
    const res = await request(app.getHttpServer())
      .post('/oauth/token')
      .set(
        'Authorization',
        `Basic ${Buffer.from(`${booted.clientId}:${booted.clientSecret}`).toString('base64')}`,
      )
      .type('form')
      .send({
        grant_type: 'password',
        username: '+569 1111-2222',
        password: PASSWORD,
      });
    expect(res.status).toBe(200);
  });
});

describe('startup errors', () => {
  it('says how to register the entities when the DataSource lacks them', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        database([]),
        PasswordGrantModule.forRoot({
          ...base,
          userProvider: { findForPassport: () => null },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(
      /passwordGrantEntities.*autoLoadEntities/,
    );
    await app.close().catch(() => undefined);
  });

  it('refuses to boot without an issuer, naming the option', async () => {
    const compile = Test.createTestingModule({
      imports: [
        database(),
        PasswordGrantModule.forRoot({
          ...base,
          issuer: '',
          userProvider: { findForPassport: () => null },
        }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(/issuer is required/);
  });
});
