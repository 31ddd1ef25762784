import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { AccessTokenClaims } from '../interfaces/access-token-claims.interface.js';
import { hasAllScopes, hasAnyScope } from '../internal/scope.util.js';
import {
  ACCESS_TOKEN_REQUEST_KEY,
  ACCESS_TOKEN_STRATEGY,
  ANY_SCOPE_METADATA,
  PASSWORD_GRANT_CONFIG,
  PROVIDER_METADATA,
  PUBLIC_METADATA,
  SCOPES_METADATA,
} from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import {
  BearerException,
  setResponseHeader,
  TemporarilyUnavailableException,
} from './bearer.exception.js';

/** What a route's decorators ask of a token. */
interface RouteRules {
  isPublic: boolean;
  provider: string | undefined;
  all: string[];
  any: string[];
}

/**
 * Protects routes with the access tokens this library issues: checks the
 * signature, algorithm, `typ`, `iss`, `aud`, `exp` and `nbf` without the
 * database, then revocation (an in-memory list of revoked `jti`s kept
 * fresh within the `revocation` bound; 503 when it is not), then the `@ForProvider`, `@Scopes` and `@AnyScope` metadata.
 * Answers as RFC 6750 §3 says.
 *
 * Use it per route, per controller, or globally with the module's
 * `globalGuard` option (then `@Public()` opts out).
 *
 * @example
 * @UseGuards(PasswordGrantGuard) @Scopes('admin') @Get('admin') admin() {}
 * @publicApi
 */
@Injectable()
export class PasswordGrantGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  private readonly routeRules = new WeakMap<
    object,
    WeakMap<object, RouteRules>
  >();

  constructor(
    private readonly reflector: Reflector,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
    private readonly strategy: AccessTokenStrategy,
  ) {
    super();
  }

  /**
   * Verifies the bearer token with the same strategy passport runs, called
   * directly: a cached, unrevoked token costs two map lookups and no
   * promise unless the strict revocation mode or `loadUser` needs one.
   */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.rules(context).isPublic) return true;
    const request = this.getRequest(context) as Record<string, unknown>;
    try {
      const user = this.strategy.resolveRequest(request as never);
      if (user instanceof Promise) {
        return user.then(
          resolved => this.admit(context, request, resolved),
          (error: unknown) => this.refuse(context, error),
        );
      }
      return this.admit(context, request, user);
    } catch (error) {
      return this.refuse(context, error);
    }
  }

  override handleRequest<TUser = unknown>(error: unknown, user: TUser): TUser {
    if (error) throw error as Error;
    if (!user) throw BearerException.missing(this.config.realm);
    return user;
  }

  private admit(
    context: ExecutionContext,
    request: Record<string, unknown>,
    user: unknown,
  ): true {
    try {
      request.user = this.handleRequest(null, user);
      this.checkAccess(context);
      return true;
    } catch (error) {
      return this.refuse(context, error);
    }
  }

  /** Adds the challenge or `Retry-After` header, then rethrows. */
  private refuse(context: ExecutionContext, error: unknown): never {
    const response: unknown = context.switchToHttp().getResponse();
    if (error instanceof BearerException) {
      setResponseHeader(response, 'WWW-Authenticate', error.challenge);
    } else if (error instanceof TemporarilyUnavailableException) {
      setResponseHeader(response, 'Retry-After', error.retryAfter);
    }
    throw error;
  }

  /** Extension point: checks the route's provider and scope metadata. */
  protected checkAccess(context: ExecutionContext): void {
    const request = context
      .switchToHttp()
      .getRequest<Record<string, AccessTokenClaims | undefined>>();
    const claims = request[ACCESS_TOKEN_REQUEST_KEY];
    if (!claims) throw BearerException.invalidToken(this.config.realm);
    const { provider, all, any } = this.rules(context);
    if (provider !== undefined && claims.provider !== provider) {
      throw BearerException.invalidToken(this.config.realm);
    }
    if (!hasAllScopes(claims.scopes, all)) {
      throw BearerException.insufficientScope(this.config.realm, all);
    }
    if (!hasAnyScope(claims.scopes, any)) {
      throw BearerException.insufficientScope(this.config.realm, any);
    }
  }

  /** The route's decorators, read once per handler and class. */
  private rules(context: ExecutionContext): RouteRules {
    const handler = context.getHandler();
    const type = context.getClass();
    let byClass = this.routeRules.get(handler);
    let rules = byClass?.get(type);
    if (rules) return rules;
    rules = {
      isPublic: this.metadata<boolean>(PUBLIC_METADATA, context) === true,
      provider: this.metadata<string>(PROVIDER_METADATA, context),
      all: this.metadata<string[]>(SCOPES_METADATA, context) ?? [],
      any: this.metadata<string[]>(ANY_SCOPE_METADATA, context) ?? [],
    };
    if (!byClass) this.routeRules.set(handler, (byClass = new WeakMap()));
    byClass.set(type, rules);
    return rules;
  }

  private metadata<T>(key: string, context: ExecutionContext): T | undefined {
    return this.reflector.getAllAndOverride<T>(key, [
      context.getHandler(),
      context.getClass(),
    ]);
  }
}
