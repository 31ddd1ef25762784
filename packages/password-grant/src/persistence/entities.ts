import { OAuthAccessTokenEntity } from './oauth-access-token.entity.js';
import { OAuthClientEntity } from './oauth-client.entity.js';
import { OAuthRefreshTokenEntity } from './oauth-refresh-token.entity.js';
import { CreatePasswordGrantTables1764806400000 } from './migrations/1764806400000-create-password-grant-tables.js';
import { AddRevocationColumns1764892800000 } from './migrations/1764892800000-add-revocation-columns.js';

import { CreateThrottleTable1764979200000 } from './migrations/1764979200000-create-throttle-table.js';
/**
 * The library's entities, for a DataSource's `entities` list (not needed
 * with `autoLoadEntities: true`).
 *
 * @publicApi
 */
export const passwordGrantEntities = [
  OAuthClientEntity,
  OAuthAccessTokenEntity,
  OAuthRefreshTokenEntity,
];

/**
 * The library's migrations, for a DataSource's `migrations` list. They run
 * on SQLite and PostgreSQL.
 *
 * @publicApi
 */
export const passwordGrantMigrations = [
  CreatePasswordGrantTables1764806400000,
  AddRevocationColumns1764892800000,
  CreateThrottleTable1764979200000,
];
