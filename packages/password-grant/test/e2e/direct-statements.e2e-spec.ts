import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OAuthAccessTokenEntity,
  OAuthRefreshTokenEntity,
  passwordGrantEntities,
} from '../../src/index.js';
import { DirectStatements } from '../../src/persistence/direct-statements.js';
import { databaseTargets } from '../support/database-targets.js';

function id(): string {
  return randomBytes(20).toString('hex');
}

/** Whole milliseconds: what both databases keep of a Date. */
function at(offsetSeconds: number): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000 + offsetSeconds * 1000);
}

function refreshRow(
  overrides: Partial<OAuthRefreshTokenEntity> = {},
): OAuthRefreshTokenEntity {
  return {
    id: id(),
    tokenHash: randomBytes(32).toString('hex'),
    accessTokenId: id(),
    clientId: '00000000-0000-4000-8000-000000000001',
    userId: '42',
    grantId: id(),
    scopes: 'read write',
    revoked: false,
    revokedAt: null,
    parentId: null,
    usedAt: null,
    createdAt: at(0),
    expiresAt: at(3600),
    ...overrides,
  };
}

describe.each(databaseTargets)('DirectStatements on $name', target => {
  let dataSource: DataSource;
  let direct: DirectStatements;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await target.open({ entities: passwordGrantEntities });
    drop = opened.drop;
    dataSource = await opened.make().initialize();
    await dataSource.runMigrations();
    direct = new DirectStatements(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await drop?.();
  });

  it('writes rows the repositories read back unchanged', async () => {
    const row = refreshRow({ usedAt: at(-5), parentId: id() });
    expect(
      await direct.atomically([direct.insert(OAuthRefreshTokenEntity, row)]),
    ).toEqual([1]);
    const read = await dataSource
      .getRepository(OAuthRefreshTokenEntity)
      .findOneBy({ id: row.id });
    expect({ ...read }).toEqual(row);
  });

  it('reads rows the repositories wrote, nulls and booleans included', async () => {
    const row = refreshRow({ revoked: true, revokedAt: at(-1) });
    await dataSource.getRepository(OAuthRefreshTokenEntity).insert(row);
    const read = await direct.findOne(OAuthRefreshTokenEntity, {
      tokenHash: row.tokenHash,
    });
    expect(read).toBeInstanceOf(OAuthRefreshTokenEntity);
    expect({ ...read }).toEqual(row);
    expect(
      await direct.findOne(OAuthRefreshTokenEntity, { tokenHash: 'none' }),
    ).toBeNull();
  });

  it('writes nothing of a batch whose guarded update missed', async () => {
    const used = refreshRow({ usedAt: at(-10) });
    await dataSource.getRepository(OAuthRefreshTokenEntity).insert(used);
    const child = refreshRow({ parentId: used.id });
    const counts = await direct.atomically([
      direct.update(
        OAuthRefreshTokenEntity,
        { usedAt: at(0) },
        { id: used.id, usedAt: null },
        1,
      ),
      direct.insert(OAuthRefreshTokenEntity, child),
    ]);
    expect(counts).toBeNull();
    const rows = dataSource.getRepository(OAuthRefreshTokenEntity);
    expect(await rows.countBy({ parentId: used.id })).toBe(0);
    expect((await rows.findOneBy({ id: used.id }))?.usedAt).toEqual(at(-10));
  });

  it('lets exactly one of many concurrent batches consume a row', async () => {
    const parent = refreshRow();
    await dataSource.getRepository(OAuthRefreshTokenEntity).insert(parent);
    const attempts = Array.from({ length: 20 }, () =>
      direct.atomically([
        direct.update(
          OAuthRefreshTokenEntity,
          { usedAt: at(0) },
          { id: parent.id, usedAt: null, revoked: false },
          1,
        ),
        direct.insert(
          OAuthRefreshTokenEntity,
          refreshRow({ parentId: parent.id }),
        ),
      ]),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(counts => counts !== null)).toEqual([[1, 1]]);
    expect(
      await dataSource
        .getRepository(OAuthRefreshTokenEntity)
        .countBy({ parentId: parent.id }),
    ).toBe(1);
  });

  it('counts the rows an unguarded update changed', async () => {
    const grantId = id();
    const access = dataSource.getRepository(OAuthAccessTokenEntity);
    for (const revoked of [false, false, true]) {
      await access.insert({
        id: id(),
        clientId: '00000000-0000-4000-8000-000000000001',
        userId: '7',
        grantId,
        scopes: 'read',
        revoked,
        revokedAt: revoked ? at(-1) : null,
        createdAt: at(0),
        expiresAt: at(600),
      });
    }
    const counts = await direct.atomically([
      direct.update(
        OAuthAccessTokenEntity,
        { revoked: true, revokedAt: at(0) },
        { grantId, revoked: false },
      ),
    ]);
    expect(counts).toEqual([2]);
    expect(await access.countBy({ grantId, revoked: true })).toBe(3);
  });
});
