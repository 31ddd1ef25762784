import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import {
  keysFromDirectory,
  PasswordGrantModule,
  passwordGrantEntities,
  passwordGrantMigrations,
  type PasswordGrantModuleOptions,
} from 'nestjs-password-grant';
import { AdminUserProvider } from './admin-user.provider.js';
import { Admin } from './admin.entity.js';
import { AdminsController } from './admins.controller.js';
import { AdminsService } from './admins.service.js';
import { appConfig, type AppConfig, type ConfigShape } from './config.js';
import { CreateUsersAndAdmins1764900000000 } from './migrations/1764900000000-create-users-and-admins.js';
import { RunUserProvider } from './run-user.provider.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** TypeORM settings for `sqlite:<file>` or a `postgres://` URL. */
export function databaseOptions(url: string): TypeOrmModuleOptions {
  const common = {
    entities: [User, Admin, ...passwordGrantEntities],
    migrations: [CreateUsersAndAdmins1764900000000, ...passwordGrantMigrations],
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
      connectTimeoutMS: 1000,
      extra: { max: 10, query_timeout: 2000, statement_timeout: 2000 },
    };
  }
  throw new Error('DATABASE_URL must start with "sqlite:" or "postgres://".');
}

/**
 * The password grant's options, built from the settings `ConfigService`
 * holds. Two providers: `users` log in with their RUN (the default, used
 * by clients created without `--provider`) and `admins` by email.
 */
export function passwordGrantOptions(
  config: ConfigService<ConfigShape, true>,
): PasswordGrantModuleOptions {
  const app = config.get('app', { infer: true });
  return {
    userProvider: 'users',
    userProviders: { users: RunUserProvider, admins: AdminUserProvider },
    keys: keysFromDirectory(app.keysDir),
    issuer: app.issuer,
    scopes: { read: 'Read your profile', write: 'Change your profile' },
    defaultScopes: ['read'],
    throttle: {
      enabled: app.throttleEnabled,
      perAddress: { limit: app.throttlePerMinute, windowSeconds: 60 },
    },
  };
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [appConfig(config)],
        }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (settings: ConfigService<ConfigShape, true>) =>
            databaseOptions(settings.get('app', { infer: true }).databaseUrl),
        }),
        PasswordGrantModule.forRootAsync({
          inject: [ConfigService],
          useFactory: passwordGrantOptions,
          globalGuard: true,
        }),
      ],
      controllers: [UsersController, AdminsController],
      providers: [
        UsersService,
        AdminsService,
        RunUserProvider,
        AdminUserProvider,
      ],
    };
  }
}
