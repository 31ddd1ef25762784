import {
  TableColumn,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

/**
 * Adds `revoked_at` to both token tables (indexed, so guards can read the
 * revocations made since their last poll) and `parent_id` to refresh
 * tokens (the token each one was rotated from). Rows revoked before this
 * migration get their creation time as `revoked_at`.
 */
export class AddRevocationColumns1764892800000 implements MigrationInterface {
  name = 'AddRevocationColumns1764892800000';

  async up(runner: QueryRunner): Promise<void> {
    const date = runner.connection.driver.normalizeType({ type: Date });
    const revokedAt = () =>
      new TableColumn({ name: 'revoked_at', type: date, isNullable: true });
    for (const table of ['oauth_access_tokens', 'oauth_refresh_tokens']) {
      await runner.addColumn(table, revokedAt());
      await runner.query(
        `UPDATE ${table} SET revoked_at = created_at WHERE revoked = ${this.true(runner)}`,
      );
      await runner.createIndex(
        table,
        new TableIndex({ columnNames: ['revoked_at'] }),
      );
    }
    await runner.addColumn(
      'oauth_refresh_tokens',
      new TableColumn({
        name: 'parent_id',
        type: 'varchar',
        length: '64',
        isNullable: true,
      }),
    );
    await runner.createIndex(
      'oauth_refresh_tokens',
      new TableIndex({ columnNames: ['parent_id'] }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('oauth_refresh_tokens', 'parent_id');
    for (const table of ['oauth_refresh_tokens', 'oauth_access_tokens']) {
      await runner.dropColumn(table, 'revoked_at');
    }
  }

  /** SQLite stores booleans as 0/1; PostgreSQL has `true`. */
  private true(runner: QueryRunner): string {
    return runner.connection.driver.options.type === 'postgres' ? 'true' : '1';
  }
}
