import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type { UserProviderInput } from '../interfaces/password-grant-module-options.interface.js';
import type { UserProvider } from '../interfaces/user-provider.interface.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';

/**
 * Holds the user providers by name. Classes are taken from the host's
 * container when registered there, else built with Nest DI.
 */
@Injectable()
export class UserProviders implements OnModuleInit {
  private readonly instances = new Map<string, UserProvider>();

  constructor(
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const [name, input] of Object.entries(this.config.providers)) {
      this.instances.set(name, await this.instantiate(input));
    }
  }

  /** The provider with this name; throws when none is registered. */
  get(name: string): UserProvider {
    const provider = this.instances.get(name);
    if (!provider) {
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_UNKNOWN_PROVIDER',
        `The user provider "${name}" is not registered.`,
      );
    }
    return provider;
  }

  private async instantiate(input: UserProviderInput): Promise<UserProvider> {
    if (typeof input !== 'function') return input;
    try {
      return this.moduleRef.get(input, { strict: false });
    } catch {
      // Not registered by the host: build it here.
    }
    try {
      return await this.moduleRef.create(input);
    } catch (error) {
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_INVALID_OPTIONS',
        `The user provider ${input.name} cannot be built: register it as a provider in one of your modules, or pass its dependencies' modules in forRootAsync({ imports }).`,
        { cause: error },
      );
    }
  }
}
