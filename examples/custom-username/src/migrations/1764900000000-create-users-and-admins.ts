import {
  Table,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

function accountTable(name: string, login: TableColumnOptions): Table {
  return new Table({
    name,
    columns: [
      {
        name: 'id',
        type: 'integer',
        isPrimary: true,
        isGenerated: true,
        generationStrategy: 'increment',
      },
      { ...login, isUnique: true },
      { name: 'name', type: 'varchar', length: '255' },
      { name: 'password', type: 'varchar', length: '255' },
    ],
  });
}

export class CreateUsersAndAdmins1764900000000 implements MigrationInterface {
  name = 'CreateUsersAndAdmins1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      accountTable('users', { name: 'run', type: 'varchar', length: '12' }),
    );
    await runner.createTable(
      accountTable('admins', { name: 'email', type: 'varchar', length: '255' }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('admins');
    await runner.dropTable('users');
  }
}
