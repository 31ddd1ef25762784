import pg from 'pg';
import { postgresRequired, postgresUrl } from './databases.js';

/**
 * Says once whether the PostgreSQL run happens. When CI asked for it
 * (PASSWORD_GRANT_REQUIRE_POSTGRES=1) and the server cannot be reached,
 * the whole run fails instead of skipping.
 */
export default async function setup(): Promise<void> {
  const url = postgresUrl();
  if (!url) {
    if (postgresRequired()) {
      throw new Error(
        'PASSWORD_GRANT_REQUIRE_POSTGRES=1 but no PG_URL or postgres:// DATABASE_URL is set.',
      );
    }
    console.log(
      '\n[password-grant tests] PostgreSQL run skipped: set PG_URL=postgres://... to include it.\n',
    );
    return;
  }
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${new URL(url).host} cannot be reached: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  console.log(
    `\n[password-grant tests] PostgreSQL run included (${new URL(url).host}).\n`,
  );
}
