import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { DirectStatements } from './direct-statements.js';
import { PASSWORD_GRANT_DATA_SOURCE } from '../password-grant.constants.js';
import { OAuthAccessTokenEntity } from './oauth-access-token.entity.js';
import { OAuthClientEntity } from './oauth-client.entity.js';
import { OAuthRefreshTokenEntity } from './oauth-refresh-token.entity.js';

/**
 * The library's repositories on the host's DataSource. Checks at startup
 * that the host registered the entities, and says how when it did not.
 */
@Injectable()
export class PasswordGrantStorage implements OnModuleInit {
  /** The token endpoint's statements, without the query builder. */
  readonly direct: DirectStatements;

  constructor(
    @Inject(PASSWORD_GRANT_DATA_SOURCE) readonly dataSource: DataSource,
  ) {
    this.direct = new DirectStatements(dataSource);
  }

  onModuleInit(): void {
    if (!this.dataSource.hasMetadata(OAuthClientEntity)) {
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_ENTITIES_NOT_REGISTERED',
        'The password grant entities are not registered with TypeORM. Add "...passwordGrantEntities" to the entities of your DataSource (or set autoLoadEntities: true), and "...passwordGrantMigrations" to its migrations.',
      );
    }
  }

  get clients(): Repository<OAuthClientEntity> {
    return this.dataSource.getRepository(OAuthClientEntity);
  }

  get accessTokens(): Repository<OAuthAccessTokenEntity> {
    return this.dataSource.getRepository(OAuthAccessTokenEntity);
  }

  get refreshTokens(): Repository<OAuthRefreshTokenEntity> {
    return this.dataSource.getRepository(OAuthRefreshTokenEntity);
  }
}
