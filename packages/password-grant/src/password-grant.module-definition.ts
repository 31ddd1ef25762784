import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type {
  PasswordGrantModuleExtras,
  PasswordGrantModuleOptions,
} from './interfaces/password-grant-module-options.interface.js';
import { PasswordGrantGuard } from './guards/password-grant.guard.js';
import {
  DEFAULT_ROUTE_PREFIX,
  PASSWORD_GRANT_DATA_SOURCE,
} from './password-grant.constants.js';
import { passwordGrantEntities } from './persistence/entities.js';
import {
  createDiscoveryController,
  createTokenController,
} from './token/token.controller.js';

const DEFAULT_EXTRAS: PasswordGrantModuleExtras = {
  isGlobal: false,
  globalGuard: false,
  routePrefix: DEFAULT_ROUTE_PREFIX,
  registerRoutes: true,
  dataSource: undefined,
};

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: PASSWORD_GRANT_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PasswordGrantModuleOptions>({
  moduleName: 'PasswordGrant',
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createPasswordGrantOptions')
  .setExtras(DEFAULT_EXTRAS, (definition, extras) => {
    const providers: Provider[] = [
      {
        provide: PASSWORD_GRANT_DATA_SOURCE,
        useExisting: getDataSourceToken(extras.dataSource),
      },
    ];
    if (extras.globalGuard) {
      providers.push({ provide: APP_GUARD, useClass: PasswordGrantGuard });
    }
    return {
      ...definition,
      global: extras.isGlobal,
      imports: [
        ...(definition.imports ?? []),
        TypeOrmModule.forFeature(passwordGrantEntities, extras.dataSource),
      ],
      controllers: extras.registerRoutes
        ? [
            createTokenController(extras.routePrefix),
            createDiscoveryController(extras.routePrefix),
          ]
        : [],
      providers: [...(definition.providers ?? []), ...providers],
    };
  })
  .build();
