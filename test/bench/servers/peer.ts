import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  Inject,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import OAuth2Server from '@node-oauth/oauth2-server';
import bcrypt from 'bcrypt';
import { User } from 'example-basic';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { adapterFromEnv, env, listenAndReport } from './bench-server.util.js';
import { PeerClient, PeerToken, PeerTokenModel } from './peer-model.js';

/**
 * The peer, wired the way a NestJS team would wire it:
 * `@node-oauth/oauth2-server` 5 with a TypeORM model on SQLite, its token
 * handler behind a controller and its `authenticate()` behind a guard,
 * bcrypt cost 10, its own opaque tokens.
 *
 * Environment: DATABASE_FILE, HTTP_ADAPTER, SEED_TOKENS + TOKENS_FILE.
 */
const OAUTH_SERVER = Symbol('OAUTH_SERVER');
const PAYLOAD = { ok: true };
const USER = { email: 'bench@example.com', password: 'bench-password' };

interface HttpRequestLike {
  headers: Record<string, string>;
  method: string;
  query?: Record<string, string>;
  body?: unknown;
}

function oauthRequest(request: HttpRequestLike): OAuth2Server.Request {
  return new OAuth2Server.Request({
    headers: request.headers,
    method: request.method,
    query: request.query ?? {},
    body: request.body ?? {},
  });
}

function asHttpError(error: unknown): unknown {
  if (!(error instanceof OAuth2Server.OAuthError)) return error;
  return new HttpException(
    { error: error.name, error_description: error.message },
    error.code,
  );
}

@Injectable()
class PeerGuard implements CanActivate {
  constructor(@Inject(OAUTH_SERVER) private readonly server: OAuth2Server) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    try {
      const token = await this.server.authenticate(
        oauthRequest(request),
        new OAuth2Server.Response({ headers: {} }),
      );
      (request as unknown as Record<string, unknown>).oauth = token;
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

@Controller()
class PeerController {
  constructor(@Inject(OAUTH_SERVER) private readonly server: OAuth2Server) {}

  @Post('oauth/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async token(
    @Req() request: HttpRequestLike,
    @Body() body: unknown,
  ): Promise<unknown> {
    const response = new OAuth2Server.Response({ headers: {} });
    try {
      await this.server.token(
        oauthRequest({ ...request, body, headers: request.headers }),
        response,
      );
    } catch (error) {
      throw asHttpError(error);
    }
    return response.body;
  }

  @Get('bench/open')
  open() {
    return PAYLOAD;
  }

  @UseGuards(PeerGuard)
  @Get('bench/guarded')
  guarded() {
    return PAYLOAD;
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: env('DATABASE_FILE'),
      enableWAL: true,
      timeout: 2000,
      entities: [User, PeerClient, PeerToken],
      synchronize: true,
    }),
    TypeOrmModule.forFeature([User, PeerClient, PeerToken]),
  ],
  controllers: [PeerController],
  providers: [
    PeerTokenModel,
    PeerGuard,
    {
      provide: OAUTH_SERVER,
      inject: [PeerTokenModel],
      useFactory: (model: PeerTokenModel) =>
        new OAuth2Server({
          model,
          accessTokenLifetime: 3600,
          refreshTokenLifetime: 14 * 24 * 3600,
        }),
    },
  ],
})
class PeerBenchModule {}

/** A user, a client and `count` access tokens saved through the model. */
async function seed(dataSource: DataSource, count: number) {
  await dataSource.getRepository(User).insert({
    name: 'Bench User',
    email: USER.email,
    password: await bcrypt.hash(USER.password, 10),
  });
  const client = {
    id: 'bench-client',
    secret: randomBytes(24).toString('hex'),
  };
  await dataSource.getRepository(PeerClient).insert({
    id: client.id,
    secretHash: createHash('sha256').update(client.secret).digest('hex'),
    grants: 'password refresh_token',
  });
  const tokens: string[] = [];
  const rows: Partial<PeerToken>[] = [];
  const expires = new Date(Date.now() + 3600_000);
  for (let i = 0; i < count; i++) {
    const accessToken = randomBytes(32).toString('hex');
    tokens.push(accessToken);
    rows.push({
      accessToken,
      accessTokenExpiresAt: expires,
      refreshToken: null,
      refreshTokenExpiresAt: null,
      scope: 'read',
      clientId: client.id,
      userId: 1,
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await dataSource.getRepository(PeerToken).insert(rows.slice(i, i + 500));
  }
  writeFileSync(env('TOKENS_FILE'), tokens.join('\n'));
  return { client, user: USER };
}

const options = { logger: ['error' as const, 'warn' as const] };
const app =
  adapterFromEnv() === 'fastify'
    ? await NestFactory.create(PeerBenchModule, new FastifyAdapter(), options)
    : await NestFactory.create(PeerBenchModule, options);
const seeded = await seed(
  app.get<DataSource>(getDataSourceToken()),
  Number(process.env.SEED_TOKENS ?? 0),
);
await listenAndReport(app, seeded);
