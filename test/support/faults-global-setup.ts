import { postgresRequired } from './databases.js';
import { postgresBinDir } from './pg-cluster.js';

/**
 * The fault tests start a PostgreSQL cluster of their own. Without the
 * server binaries they are skipped with one line, unless CI requires
 * PostgreSQL (PASSWORD_GRANT_REQUIRE_POSTGRES=1), where the run fails.
 */
export default function setup(): void {
  if (postgresBinDir()) return;
  if (postgresRequired()) {
    throw new Error(
      'PASSWORD_GRANT_REQUIRE_POSTGRES=1 but the PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are missing.',
    );
  }
  console.log(
    '\n[password-grant tests] Fault and multi-instance tests skipped: install the PostgreSQL server (apt-get install postgresql) to run them.\n',
  );
}
