import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  UseGuards,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import bcrypt from 'bcrypt';
import { databaseOptions, User } from 'example-basic';
import {
  AccessTokenService,
  ClientRepository,
  keysFromDirectory,
  PASSWORD_GRANT_CONFIG,
  PasswordGrantGuard,
  PasswordGrantModule,
  typeOrmUserProvider,
  type PasswordGrantConfig,
} from 'nestjs-password-grant';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import {
  adapterFromEnv,
  env,
  exitWithParent,
  listenAndReport,
  send,
} from './bench-server.util.js';
import { seedRevokedTokens } from './revoked-rows.util.js';

/**
 * The bench app of this library: one route guarded by PasswordGrantGuard
 * and the same route without a guard, the token endpoint, SQLite.
 *
 * Environment: DATABASE_FILE, KEYS_DIR, ISSUER, HTTP_ADAPTER, KEY_ALGORITHM
 * (ES256: sign with a P-256 key made at startup instead of KEYS_DIR's),
 * SEED_REVOKED (revoked rows to write before the guards start),
 * MINT_COUNT + MINT_FILE (sign that many tokens into the file and exit).
 */
const PAYLOAD = { ok: true };
const USER = { email: 'bench@example.com', password: 'bench-password' };

@Controller('bench')
class BenchController {
  @Get('open')
  open() {
    return PAYLOAD;
  }

  @UseGuards(PasswordGrantGuard)
  @Get('guarded')
  guarded() {
    return PAYLOAD;
  }
}

/** Seeds a user, a client and revoked rows before the guards start. */
@Injectable()
class BenchSeeder implements OnModuleInit {
  seeded: Record<string, unknown> = {};

  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly clients: ClientRepository,
    private readonly tokens: AccessTokenService,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (process.env.MINT_COUNT) return;
    const users = this.dataSource.getRepository(User);
    await users.insert({
      name: 'Bench User',
      email: USER.email,
      password: await bcrypt.hash(USER.password, 10),
    });
    const created = await this.clients.createPasswordClient({ name: 'bench' });
    const sentinel = this.tokens.sign(subject(created.client.id, this.config));
    const revoked = await seedRevokedTokens(this.dataSource, {
      count: Number(process.env.SEED_REVOKED ?? 0),
      clientId: created.client.id,
      sentinelJti: sentinel.jti,
    });
    this.seeded = {
      client: { id: created.client.id, secret: created.plainSecret },
      user: USER,
      revoked,
      revokedSentinel: sentinel.token,
    };
  }
}

function subject(clientId: string, config: PasswordGrantConfig) {
  return {
    userId: '1',
    clientId,
    provider: config.defaultProvider,
    scopes: ['read'],
  };
}

function signingKeys() {
  if (process.env.KEY_ALGORITHM !== 'ES256') {
    return keysFromDirectory(env('KEYS_DIR'));
  }
  const pair = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    algorithm: 'ES256' as const,
  };
}

@Module({})
class OursBenchModule {
  static forRoot(): DynamicModule {
    // Logins from one address: the per-address throttle would answer 429.
    const noThrottle: Record<string, unknown> = { throttle: false };
    return {
      module: OursBenchModule,
      imports: [
        TypeOrmModule.forRoot(
          databaseOptions(`sqlite:${env('DATABASE_FILE')}`),
        ),
        PasswordGrantModule.forRoot({
          userProvider: typeOrmUserProvider(User),
          keys: signingKeys(),
          issuer: env('ISSUER'),
          scopes: { read: 'Read' },
          defaultScopes: ['read'],
          ...noThrottle,
        }),
      ],
      controllers: [BenchController],
      providers: [BenchSeeder],
    };
  }
}

async function mint(count: number, file: string): Promise<void> {
  const context = await NestFactory.createApplicationContext(
    OursBenchModule.forRoot(),
    { logger: ['error'] },
  );
  const tokens = context.get(AccessTokenService, { strict: false });
  const config = context.get<PasswordGrantConfig>(PASSWORD_GRANT_CONFIG, {
    strict: false,
  });
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(tokens.sign(subject('bench-client', config)).token);
  }
  writeFileSync(file, lines.join('\n'));
  await context.close();
  send({ type: 'minted', count });
}

async function serve(): Promise<void> {
  const module = OursBenchModule.forRoot();
  const options = { logger: ['error' as const, 'warn' as const] };
  const app =
    adapterFromEnv() === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), options)
      : await NestFactory.create(module, options);
  await app.init();
  await listenAndReport(app, app.get(BenchSeeder).seeded);
}

if (process.env.MINT_COUNT) {
  exitWithParent(() => Promise.resolve());
  await mint(Number(process.env.MINT_COUNT), env('MINT_FILE'));
  process.disconnect();
} else {
  await serve();
}
