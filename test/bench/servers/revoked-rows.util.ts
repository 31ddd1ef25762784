import type { DataSource } from 'typeorm';

/** What was written to oauth_access_tokens, or why nothing was. */
export interface RevokedSeed {
  count: number;
  /** Null when the rows carry what a revocation set reads. */
  unavailable: string | null;
}

const SQLITE_HOUR_AGO = `strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour')`;
const SQLITE_IN_A_DAY = `strftime('%Y-%m-%d %H:%M:%f', 'now', '+1 day')`;

/**
 * Writes `count` revoked, unexpired access-token rows in one statement,
 * revoked an hour ago (revocations that built up over time, read once at
 * startup rather than by every refresh), plus one for the sentinel token (whose answer tells whether the guards
 * read revocations). Needs the `revoked_at` column the revocation set
 * reads.
 */
export async function seedRevokedTokens(
  dataSource: DataSource,
  options: { count: number; clientId: string; sentinelJti: string },
): Promise<RevokedSeed> {
  const columns: { name: string }[] = await dataSource.query(
    `PRAGMA table_info('oauth_access_tokens')`,
  );
  if (!columns.some(column => column.name === 'revoked_at')) {
    return {
      count: 0,
      unavailable:
        'oauth_access_tokens has no revoked_at column: no revocation set yet',
    };
  }
  await dataSource.query(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO oauth_access_tokens
       (id, client_id, user_id, grant_id, scopes, revoked, revoked_at,
        created_at, expires_at)
     SELECT CASE WHEN i = 1 THEN ? ELSE lower(hex(randomblob(20))) END,
       ?, '1', lower(hex(randomblob(20))), 'read', 1, ${SQLITE_HOUR_AGO},
       ${SQLITE_HOUR_AGO}, ${SQLITE_IN_A_DAY}
     FROM n`,
    [options.count + 1, options.sentinelJti, options.clientId],
  );
  return { count: options.count, unavailable: null };
}
