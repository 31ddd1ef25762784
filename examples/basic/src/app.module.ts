import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import {
  keysFromDirectory,
  PasswordGrantModule,
  passwordGrantEntities,
  passwordGrantMigrations,
  typeOrmUserProvider,
} from 'nestjs-password-grant';
import type { AppConfig } from './config.js';
import { boundedPostgresDriver, postgresPoolOptions } from './postgres-pool.js';
import { CreateUsers1764806300000 } from './migrations/1764806300000-create-users.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/**
 * TypeORM settings for `sqlite:<file>` or a `postgres://` URL. PostgreSQL
 * gets a bounded pool with connect, acquire and statement timeouts (see
 * POSTGRES_POOL_LIMITS), so a database that is down or silent turns into
 * quick 503 answers instead of requests that hang.
 */
export function databaseOptions(url: string): TypeOrmModuleOptions {
  const common = {
    entities: [User, ...passwordGrantEntities],
    migrations: [CreateUsers1764806300000, ...passwordGrantMigrations],
    migrationsRun: true,
    synchronize: false,
  };
  if (url.startsWith('sqlite:')) {
    return {
      ...common,
      type: 'better-sqlite3',
      database: url.slice('sqlite:'.length),
      enableWAL: true,
      timeout: 2000,
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return {
      ...common,
      type: 'postgres',
      url,
      applicationName: 'password-grant-example',
      driver: boundedPostgresDriver(),
      extra: postgresPoolOptions(),
    };
  }
  throw new Error('DATABASE_URL must start with "sqlite:" or "postgres://".');
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(databaseOptions(config.databaseUrl)),
        PasswordGrantModule.forRoot({
          userProvider: typeOrmUserProvider(User),
          keys: keysFromDirectory(config.keysDir),
          issuer: config.issuer,
          scopes: {
            read: 'Read your profile',
            write: 'Change your profile',
            admin: 'Use the admin area',
          },
          defaultScopes: ['read'],
          throttle: config.throttleEnabled && {
            perAddress: { limit: config.throttlePerMinute, windowSeconds: 60 },
            store: config.throttleStore === 'database' ? 'database' : undefined,
          },
          globalGuard: true,
        }),
      ],
      controllers: [UsersController],
      providers: [UsersService],
    };
  }
}
