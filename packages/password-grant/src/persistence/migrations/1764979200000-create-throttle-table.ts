import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Creates `oauth_throttle`, the shared brute-force counters. */
export class CreateThrottleTable1764979200000 implements MigrationInterface {
  name = 'CreateThrottleTable1764979200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'oauth_throttle',
        columns: [
          {
            name: 'throttle_key',
            type: 'varchar',
            length: '255',
            isPrimary: true,
          },
          { name: 'value', type: 'integer' },
          { name: 'expires_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('oauth_throttle');
  }
}
