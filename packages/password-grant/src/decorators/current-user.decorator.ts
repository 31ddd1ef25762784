import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ACCESS_TOKEN_REQUEST_KEY } from '../password-grant.constants.js';

/**
 * The authenticated user: the loaded user when the module's `loadUser` is
 * on, else the token's principal `{ id, clientId, provider, scopes }`.
 *
 * @example
 * @Get('me') me(@CurrentUser() user: TokenPrincipal) {}
 * @publicApi
 */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<{ user?: unknown }>().user,
);

/**
 * The verified access token's claims (`sub`, `client_id`, `scopes`, `jti`,
 * `exp`, ...).
 *
 * @example
 * @Get('me') me(@AccessToken() token: AccessTokenClaims) {}
 * @publicApi
 */
export const AccessToken = createParamDecorator(
  (_: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<Record<string, unknown>>()[
      ACCESS_TOKEN_REQUEST_KEY
    ],
);
