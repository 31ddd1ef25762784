import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Ip,
  NotFoundException,
  Post,
  UseFilters,
  type Type,
} from '@nestjs/common';
import { Public } from '../decorators/public.decorator.js';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { DiscoveryService, type PublishedJwk } from './discovery.service.js';
import {
  TokenIntrospectionService,
  type IntrospectionResponse,
} from './token-introspection.service.js';
import { TokenRevocationService } from './token-revocation.service.js';
import {
  LoginThrottler,
  type RequestOrigin,
} from '../throttle/login-throttler.service.js';
import { TokenService } from './token.service.js';
import type { TokenResponse } from './token-response.interface.js';

/**
 * The answer to GET on a POST-only endpoint, with `Allow: POST`. The token
 * endpoint answers 400 (RFC 6749 §3.2 says POST only, and clients expect
 * an OAuth error there); revocation and introspection answer 405.
 */
function postOnly(endpoint: string, status = 405): OAuthErrorException {
  return new OAuthErrorException(
    'invalid_request',
    `The ${endpoint} endpoint accepts POST requests only.`,
    { headers: { Allow: 'POST' }, status },
  );
}

/**
 * Builds the controller of the OAuth routes under `prefix`: token,
 * revocation, introspection and JWKS.
 *
 * RFC 6749 §3.2: the token endpoint takes POST only; parameters in the
 * query string are never read. The revocation and introspection endpoints
 * take POST only too (RFC 7009 §2.1, RFC 7662 §2.1).
 */
export function createTokenController(prefix: string): Type<unknown> {
  @Public()
  @Controller(prefix)
  @UseFilters(OAuthExceptionFilter)
  class TokenController {
    constructor(
      private readonly tokens: TokenService,
      private readonly revocation: TokenRevocationService,
      private readonly introspection: TokenIntrospectionService,
      private readonly discovery: DiscoveryService,
      private readonly throttler: LoginThrottler,
    ) {}

    /** The client's address; `X-Forwarded-For` only behind trusted proxies. */
    private origin(
      ip: string | undefined,
      forwardedFor?: string,
    ): RequestOrigin {
      return { address: this.throttler.clientAddress(ip, forwardedFor) };
    }

    @Post('token')
    @HttpCode(200)
    @Header('Cache-Control', 'no-store')
    @Header('Pragma', 'no-cache')
    token(
      @Body() body: unknown,
      @Ip() ip: string | undefined,
      @Headers('authorization') authorization?: string,
      @Headers('x-forwarded-for') forwardedFor?: string,
    ): Promise<TokenResponse> {
      const origin = this.origin(ip, forwardedFor);
      return this.tokens.token({ body, authorization, origin });
    }

    @Get('token')
    tokenByGet(): never {
      throw postOnly('token', 400);
    }

    @Post('revoke')
    @HttpCode(200)
    @Header('Cache-Control', 'no-store')
    @Header('Pragma', 'no-cache')
    revoke(
      @Body() body: unknown,
      @Ip() ip: string | undefined,
      @Headers('authorization') authorization?: string,
      @Headers('x-forwarded-for') forwardedFor?: string,
    ): Promise<void> {
      const origin = this.origin(ip, forwardedFor);
      return this.revocation.revoke({ body, authorization, origin });
    }

    @Post('introspect')
    @HttpCode(200)
    @Header('Cache-Control', 'no-store')
    @Header('Pragma', 'no-cache')
    introspect(
      @Body() body: unknown,
      @Ip() ip: string | undefined,
      @Headers('authorization') authorization?: string,
      @Headers('x-forwarded-for') forwardedFor?: string,
    ): Promise<IntrospectionResponse> {
      if (!this.introspection.enabled) throw new NotFoundException();
      const origin = this.origin(ip, forwardedFor);
      return this.introspection.introspect({ body, authorization, origin });
    }

    @Get('introspect')
    introspectByGet(): never {
      if (!this.introspection.enabled) throw new NotFoundException();
      throw postOnly('introspection');
    }

    @Get('revoke')
    revokeByGet(): never {
      throw postOnly('revocation');
    }

    @Get('jwks')
    @Header('Cache-Control', 'public, max-age=300')
    jwks(): { keys: PublishedJwk[] } {
      return this.discovery.jwks();
    }
  }
  return TokenController;
}

/**
 * Builds the controller of `/.well-known/oauth-authorization-server`
 * (RFC 8414 §3), which sits at the root, outside the route prefix.
 */
export function createDiscoveryController(prefix: string): Type<unknown> {
  @Public()
  @Controller('.well-known')
  @UseFilters(OAuthExceptionFilter)
  class DiscoveryController {
    constructor(private readonly discovery: DiscoveryService) {}

    @Get('oauth-authorization-server')
    @Header('Cache-Control', 'public, max-age=300')
    metadata(): Record<string, unknown> {
      return this.discovery.metadata(prefix);
    }
  }
  return DiscoveryController;
}
