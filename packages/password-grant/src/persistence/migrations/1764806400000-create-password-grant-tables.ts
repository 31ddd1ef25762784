import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

/** Creates `oauth_clients`, `oauth_access_tokens`, `oauth_refresh_tokens`. */
export class CreatePasswordGrantTables1764806400000 implements MigrationInterface {
  name = 'CreatePasswordGrantTables1764806400000';

  async up(runner: QueryRunner): Promise<void> {
    const date = runner.connection.driver.normalizeType({ type: Date });
    const text = (name: string, length: number, extra = {}) =>
      ({
        name,
        type: 'varchar',
        length: String(length),
        ...extra,
      }) as TableColumnOptions;
    const time = (name: string, isNullable = false): TableColumnOptions => ({
      name,
      type: date,
      isNullable,
    });
    const flag = (name: string): TableColumnOptions => ({
      name,
      type: 'boolean',
      default: false,
    });

    await runner.createTable(
      new Table({
        name: 'oauth_clients',
        columns: [
          text('id', 36, { isPrimary: true }),
          text('name', 255),
          text('secret_hash', 255, { isNullable: true }),
          text('provider', 64),
          text('grant_types', 255),
          flag('revoked'),
          time('created_at'),
          time('updated_at'),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'oauth_access_tokens',
        columns: [
          text('id', 64, { isPrimary: true }),
          text('client_id', 36),
          text('user_id', 255),
          text('grant_id', 64),
          { name: 'scopes', type: 'text' },
          flag('revoked'),
          time('created_at'),
          time('expires_at'),
        ],
        indices: ['client_id', 'user_id', 'grant_id'].map(
          column => new TableIndex({ columnNames: [column] }),
        ),
      }),
    );
    await runner.createTable(
      new Table({
        name: 'oauth_refresh_tokens',
        columns: [
          text('id', 64, { isPrimary: true }),
          text('token_hash', 64),
          text('access_token_id', 64),
          text('client_id', 36),
          text('user_id', 255),
          text('grant_id', 64),
          { name: 'scopes', type: 'text' },
          flag('revoked'),
          time('used_at', true),
          time('created_at'),
          time('expires_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ columnNames: ['client_id'] }),
          new TableIndex({ columnNames: ['grant_id'] }),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('oauth_refresh_tokens');
    await runner.dropTable('oauth_access_tokens');
    await runner.dropTable('oauth_clients');
  }
}
