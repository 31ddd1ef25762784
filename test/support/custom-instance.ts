import {
  Controller,
  Get,
  Module,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { createApp, databaseOptions, readConfig, User } from 'example-basic';
import {
  AccessToken,
  keysFromDirectory,
  PasswordGrantModule,
  typeOrmUserProvider,
  type AccessTokenClaims,
  type PasswordGrantModuleOptions,
} from 'nestjs-password-grant';
import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';

/** A second app on the database and keys of a running test app. */
export interface Instance {
  app: INestApplication;
  server: ReturnType<INestApplication['getHttpServer']>;
  dataSource: DataSource;
  close(): Promise<void>;
}

@Controller()
class ClaimsController {
  @Get('me')
  me(@AccessToken() token: AccessTokenClaims) {
    return { sub: token.sub, scope: token.scope };
  }
}

@Module({})
class CustomModule {
  static forRoot(
    t: TestApp,
    options: Partial<PasswordGrantModuleOptions>,
  ): DynamicModule {
    return {
      module: CustomModule,
      imports: [
        TypeOrmModule.forRoot(databaseOptions(t.databaseUrl)),
        PasswordGrantModule.forRoot({
          userProvider: typeOrmUserProvider(User),
          keys: keysFromDirectory(t.keysDir),
          issuer: t.issuer,
          scopes: { read: 'Read', write: 'Write', admin: 'Admin' },
          defaultScopes: ['read'],
          globalGuard: true,
          ...options,
        }),
      ],
      controllers: [ClaimsController],
    };
  }
}

async function wrap(app: INestApplication): Promise<Instance> {
  await app.init();
  return {
    app,
    server: app.getHttpServer(),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    close: () => app.close(),
  };
}

/**
 * Starts an app with its own module options (grace period, strict mode,
 * no introspection...) on the database and keys of `t`. Its guarded route
 * is `GET /me`.
 */
export async function startCustomInstance(
  t: TestApp,
  options: Partial<PasswordGrantModuleOptions>,
): Promise<Instance> {
  const app = await NestFactory.create(CustomModule.forRoot(t, options), {
    logger: false,
  });
  return wrap(app);
}

/** Starts a second examples/basic app on the database and keys of `t`. */
export async function startSecondInstance(t: TestApp): Promise<Instance> {
  const config = readConfig({
    DATABASE_URL: t.databaseUrl,
    PASSWORD_GRANT_KEYS_DIR: t.keysDir,
    SEED_DEMO: 'false',
  });
  const { app } = await createApp(config, { logger: false });
  return {
    app,
    server: app.getHttpServer(),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    close: () => app.close(),
  };
}
