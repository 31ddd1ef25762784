import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Post,
  UseFilters,
  type Type,
} from '@nestjs/common';
import { Public } from '../decorators/public.decorator.js';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { TokenService } from './token.service.js';
import type { TokenResponse } from './token-response.interface.js';

/**
 * Builds the controller of the OAuth routes under `prefix`.
 *
 * RFC 6749 §3.2: the token endpoint takes POST only; parameters in the
 * query string are never read.
 */
export function createTokenController(prefix: string): Type<unknown> {
  @Public()
  @Controller(prefix)
  @UseFilters(OAuthExceptionFilter)
  class TokenController {
    constructor(private readonly tokens: TokenService) {}

    @Post('token')
    @HttpCode(200)
    @Header('Cache-Control', 'no-store')
    @Header('Pragma', 'no-cache')
    token(
      @Body() body: unknown,
      @Headers('authorization') authorization?: string,
    ): Promise<TokenResponse> {
      return this.tokens.token({ body, authorization });
    }

    @Get('token')
    tokenByGet(): never {
      throw new OAuthErrorException(
        'invalid_request',
        'The token endpoint accepts POST requests only.',
        { headers: { Allow: 'POST' } },
      );
    }
  }
  return TokenController;
}
