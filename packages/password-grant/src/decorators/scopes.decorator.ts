import { SetMetadata } from '@nestjs/common';
import {
  ANY_SCOPE_METADATA,
  PROVIDER_METADATA,
  SCOPES_METADATA,
} from '../password-grant.constants.js';

/**
 * Requires every listed scope (`*` in the token satisfies any). A token
 * without them gets 403 `insufficient_scope`.
 *
 * @example
 * @Scopes('admin') @Get('admin') dashboard() {}
 * @publicApi
 */
export const Scopes = (...scopes: string[]) =>
  SetMetadata(SCOPES_METADATA, scopes);

/**
 * Requires at least one of the listed scopes.
 *
 * @example
 * @AnyScope('read', 'write') @Get('notes') list() {}
 * @publicApi
 */
export const AnyScope = (...scopes: string[]) =>
  SetMetadata(ANY_SCOPE_METADATA, scopes);

/**
 * Accepts only tokens issued to clients of this user provider (Laravel's
 * guard `provider`); other tokens get 401 `invalid_token`.
 *
 * @example
 * @ForProvider('admins') @Controller('admin') class AdminController {}
 * @publicApi
 */
export const ForProvider = (provider: string) =>
  SetMetadata(PROVIDER_METADATA, provider);
