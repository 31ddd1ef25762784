import { getDataSourceToken } from '@nestjs/typeorm';
import { generateKeyPairSync } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  OAuthAccessTokenEntity,
  OAuthRefreshTokenEntity,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  TokenPurger,
} from 'nestjs-password-grant';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, runCliInTerminal } from '../support/cli-process.js';
import { databaseKinds } from '../support/databases.js';
import { login, me, post, waitFor } from '../support/token-flows.js';
import {
  basic,
  startTestApp,
  tempKeysDir,
  type TestApp,
} from '../support/test-app.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const HOUR = 3_600_000;

/** The id and secret printed on the two aligned lines. */
function printedCredentials(stdout: string): { id: string; secret: string } {
  const id = /^Client ID \.{8} (\S+)\r?$/m.exec(stdout)?.[1];
  const secret = /^Client secret \.{4} (\S+)\r?$/m.exec(stdout)?.[1];
  if (!id || !secret) throw new Error(`no credentials in: ${stdout}`);
  return { id, secret };
}

function expectOneLineError(
  run: { code: number | null; stderr: string; stdout: string },
  code: number,
  reason: RegExp,
) {
  expect(run.code).toBe(code);
  expect(run.stderr).toMatch(reason);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
}

describe('CLI --help and exit codes', () => {
  const env = cliEnv('sqlite:/nonexistent/never-opened.sqlite', '/nonexistent');

  it('prints the overview and each command help with exit code 0', async () => {
    const overview = await runCli(['--help'], env);
    expect(overview.code).toBe(0);
    for (const name of [
      'client',
      'client:list',
      'client:revoke',
      'client:secret',
      'keys',
      'purge',
    ]) {
      expect(overview.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      const help = await runCli([name, '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: passport ${name}\\b`));
      expect(help.stdout).toContain('--help');
    }
  });

  it('answers a wrong command line with exit code 2 and one line on stderr', async () => {
    expectOneLineError(
      await runCli(['nope'], env),
      2,
      /Unknown command "nope"/,
    );
    expectOneLineError(
      await runCli(['keys', '--nope'], env),
      2,
      /Unknown option '--nope'.*passport keys --help/,
    );
    expectOneLineError(await runCli(['client:revoke'], env), 2, /Missing ID/);
    expectOneLineError(
      await runCli(['purge', '--hours', 'soon'], env),
      2,
      /--hours must be a whole number/,
    );
  });
});

describe('CLI keys', () => {
  const made: string[] = [];
  /** A temporary folder, removed after these tests. */
  const scratch = () => {
    const dir = tempKeysDir();
    made.push(dir);
    return dir;
  };
  afterAll(() =>
    made.forEach(dir => rmSync(dir, { recursive: true, force: true })),
  );

  it('writes the pair where the app reads it, private key mode 600, and refuses to overwrite without --force', async () => {
    const dir = join(scratch(), 'nested');
    const env = cliEnv('sqlite:/nonexistent/x.sqlite', dir);
    const created = await runCli(['keys', '--length', '2048'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Encryption keys generated successfully.');
    expect(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, PUBLIC_KEY_FILE)).isFile()).toBe(true);
    const first = readFileSync(join(dir, PRIVATE_KEY_FILE), 'utf8');

    const refused = await runCli(['keys'], env);
    expectOneLineError(refused, 1, /already exist.*--force/);
    expect(readFileSync(join(dir, PRIVATE_KEY_FILE), 'utf8')).toBe(first);

    const forced = await runCli(['keys', '--force', '--length', '2048'], env);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, PRIVATE_KEY_FILE), 'utf8')).not.toBe(first);
    expect(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);

    expectOneLineError(
      await runCli(['keys', '--force', '--length', '1024'], env),
      2,
      /--length must be a whole number from 2048/,
    );
  });

  describe('startup refuses bad keys without printing key material', () => {
    const weak = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const material = weak.split('\n')[1];

    async function boot(keysDir: string, extra: NodeJS.ProcessEnv = {}) {
      const dbDir = scratch();
      return runCli(
        ['client:list'],
        cliEnv(`sqlite:${join(dbDir, 'app.sqlite')}`, keysDir, extra),
      );
    }

    it('an RSA key under 2048 bits, in the keys directory or in PASSWORD_GRANT_PRIVATE_KEY', async () => {
      const dir = scratch();
      writeFileSync(join(dir, PRIVATE_KEY_FILE), weak, { mode: 0o600 });
      for (const run of [
        await boot(dir),
        await boot(scratch(), { PASSWORD_GRANT_PRIVATE_KEY: weak }),
      ]) {
        expectOneLineError(run, 1, /at least 2048 bits/);
        expect(run.stderr + run.stdout).not.toContain(material);
        expect(run.stderr + run.stdout).not.toContain('BEGIN');
      }
    });

    it('an empty or unreadable private key', async () => {
      const empty = scratch();
      writeFileSync(join(empty, PRIVATE_KEY_FILE), '');
      expectOneLineError(await boot(empty), 1, /empty or not a valid PEM key/);
      const garbled = scratch();
      writeFileSync(
        join(garbled, PRIVATE_KEY_FILE),
        weak.replace(material, material.split('').reverse().join('')),
      );
      const run = await boot(garbled);
      expectOneLineError(run, 1, /empty or not a valid PEM key/);
      expect(run.stderr).not.toContain(material.slice(0, 16));
      const unreadable = scratch();
      mkdirSync(join(unreadable, PRIVATE_KEY_FILE));
      expectOneLineError(await boot(unreadable), 1, /cannot be read/);
    });
  });
});

describe.each(databaseKinds())('CLI clients and purge ($name)', kind => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;
  const dataSource = () => t.app.get<DataSource>(getDataSourceToken());
  const clientRow = async (id: string) =>
    (
      await dataSource().query<Array<Record<string, unknown>>>(
        `SELECT name, provider, secret_hash, grant_types, revoked FROM oauth_clients WHERE id = '${id}'`,
      )
    )[0];
  const tokenFor = (id: string, secret: string | null) =>
    post(
      t.server,
      '/oauth/token',
      {
        grant_type: 'password',
        username: t.demo.username,
        password: t.demo.password,
        ...(secret === null ? { client_id: id } : {}),
      },
      secret === null ? undefined : basic(id, secret),
    );

  beforeAll(async () => {
    t = await startTestApp(kind, 'express');
    env = cliEnv(t.databaseUrl, t.keysDir);
  });
  afterAll(() => t?.close());

  describe('client --password', () => {
    it('asks for the name and the provider on a terminal, then prints the id and the secret once', async () => {
      const run = await runCliInTerminal(['client', '--password'], env, [
        {
          after:
            'What should we name the password grant client? [Basic Example Password Grant Client]',
          type: 'Phone App\r',
        },
        {
          after:
            'Which user provider should this client use to retrieve users? [users]',
          type: '\r',
        },
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        'Password grant client created successfully.',
      );
      expect(run.stdout).toContain('it will not be shown again');
      const { id, secret } = printedCredentials(run.stdout);
      expect(id).toMatch(UUID);
      expect(secret.length).toBeGreaterThanOrEqual(40);
      const row = await clientRow(id);
      expect(row).toMatchObject({
        name: 'Phone App',
        provider: 'users',
        grant_types: 'password refresh_token',
      });
      expect(row.secret_hash).toEqual(expect.any(String));
      expect(row.secret_hash).not.toContain(secret);
      expect((await tokenFor(id, secret)).status).toBe(200);
    });

    it('asks only for what the options leave out, and again after a wrong choice', async () => {
      const run = await runCliInTerminal(
        ['client', '--password', '--name', 'Tablet'],
        env,
        [
          { after: 'retrieve users? [users]', type: 'admins\r' },
          { after: 'is not one of: users.', type: '0\r' },
        ],
      );
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('What should we name');
      const { id } = printedCredentials(run.stdout);
      expect(await clientRow(id)).toMatchObject({
        name: 'Tablet',
        provider: 'users',
      });
    });

    it('stops on Ctrl-C with exit code 1 and creates nothing', async () => {
      const before = await dataSource().query('SELECT id FROM oauth_clients');
      const run = await runCliInTerminal(['client', '--password'], env, [
        { after: 'What should we name', type: '\u0003' },
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Cancelled.');
      const after = await dataSource().query('SELECT id FROM oauth_clients');
      expect(after).toHaveLength((before as unknown[]).length);
    });

    it('takes --name and --provider without a terminal', async () => {
      const run = await runCli(
        ['client', '--password', '--name', 'Flag App', '--provider', 'users'],
        env,
      );
      expect(run.code).toBe(0);
      const { id, secret } = printedCredentials(run.stdout);
      expect(await clientRow(id)).toMatchObject({ name: 'Flag App' });
      expect((await tokenFor(id, secret)).status).toBe(200);
    });

    it('prints one JSON object with --json, and a public client has no secret', async () => {
      const confidential = await runCli(
        ['client', '--password', '--name', 'Script', '--json'],
        env,
      );
      expect(confidential.code).toBe(0);
      const created = JSON.parse(confidential.stdout) as Record<
        string,
        unknown
      >;
      expect(created).toEqual({
        client_id: expect.stringMatching(UUID),
        client_secret: expect.any(String),
        name: 'Script',
        provider: 'users',
        public: false,
      });
      const pub = await runCli(
        ['client', '--password', '--name', 'Mobile', '--public', '--json'],
        env,
      );
      const made = JSON.parse(pub.stdout) as { client_id: string };
      expect(made).toMatchObject({ client_secret: null, public: true });
      expect((await clientRow(made.client_id)).secret_hash).toBeNull();
      expect((await tokenFor(made.client_id, null)).status).toBe(200);
    });

    it('fails without a terminal and without --name, creating nothing', async () => {
      const before = await dataSource().query('SELECT id FROM oauth_clients');
      const run = await runCli(['client', '--password'], env);
      expectOneLineError(run, 2, /No terminal.*--name/);
      expect(run.stdout).toBe('');
      const after = await dataSource().query('SELECT id FROM oauth_clients');
      expect(after).toHaveLength((before as unknown[]).length);
    });

    it('refuses an unknown provider with the list of valid ones', async () => {
      const run = await runCli(
        ['client', '--password', '--name', 'X', '--provider', 'admins'],
        env,
      );
      expectOneLineError(
        run,
        2,
        /Unknown user provider "admins"; valid providers: users\./,
      );
    });
  });

  describe('client:list, client:secret, client:revoke', () => {
    it('lists every client with its provider, grants and type, never a secret', async () => {
      const made = JSON.parse(
        (
          await runCli(
            ['client', '--password', '--name', 'Listed', '--json'],
            env,
          )
        ).stdout,
      ) as { client_id: string; client_secret: string };
      const table = await runCli(['client:list'], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(
        /^ID +NAME +PROVIDER +GRANTS +TYPE +REVOKED$/m,
      );
      expect(table.stdout).toMatch(
        new RegExp(
          `^${made.client_id} +Listed +users +password,refresh_token +confidential +no$`,
          'm',
        ),
      );
      expect(table.stdout).not.toContain(made.client_secret);
      const json = await runCli(['client:list', '--json'], env);
      expect(json.stdout).not.toContain(made.client_secret);
      expect(JSON.parse(json.stdout)).toContainEqual(
        expect.objectContaining({
          id: made.client_id,
          confidential: true,
          revoked: false,
        }),
      );
    });

    it('client:secret prints a new secret once; the old one stops working', async () => {
      const { id, secret } = printedCredentials(
        (await runCli(['client', '--password', '--name', 'Rotated'], env))
          .stdout,
      );
      const run = await runCli(['client:secret', id], env);
      expect(run.code).toBe(0);
      const rotated = printedCredentials(run.stdout);
      expect(rotated.id).toBe(id);
      expect(rotated.secret).not.toBe(secret);
      expect((await tokenFor(id, secret)).status).toBe(401);
      expect((await tokenFor(id, rotated.secret)).status).toBe(200);
      expectOneLineError(
        await runCli(
          ['client:secret', '00000000-0000-4000-8000-000000000000'],
          env,
        ),
        1,
        /No client has the id/,
      );
    });

    it('client:revoke refuses the client and, within the revocation bound, its issued tokens', async () => {
      const { id, secret } = printedCredentials(
        (await runCli(['client', '--password', '--name', 'Doomed'], env))
          .stdout,
      );
      const issued = await tokenFor(id, secret);
      const access = (issued.body as { access_token: string }).access_token;
      expect((await me(t.server, access)).status).toBe(200);
      const other = await login(t.server, t.demo);

      const run = await runCli(['client:revoke', id], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Client ${id} revoked`);
      expect(await clientRow(id)).toMatchObject({ revoked: expect.anything() });
      expect((await tokenFor(id, secret)).status).toBe(401);
      await waitFor(
        async () => (await me(t.server, access)).status === 401,
        5000,
      );
      expect((await me(t.server, other.access_token)).status).toBe(200);
      expectOneLineError(
        await runCli(['client:revoke', 'not-a-client'], env),
        1,
        /No client has the id not-a-client/,
      );
    });
  });

  describe('purge', () => {
    const now = Date.now();
    // name -> [revoked, expires at]
    const mix: Record<string, [boolean, number]> = {
      live: [false, now + HOUR],
      liveRevoked: [true, now + HOUR],
      recent: [false, now - HOUR],
      recentRevoked: [true, now - HOUR],
      old: [false, now - 200 * HOUR],
      oldRevoked: [true, now - 200 * HOUR],
    };

    async function seed(prefix: string): Promise<void> {
      const access = dataSource().getRepository(OAuthAccessTokenEntity);
      const refresh = dataSource().getRepository(OAuthRefreshTokenEntity);
      for (const [name, [revoked, expires]] of Object.entries(mix)) {
        const common = {
          clientId: t.demo.clientId,
          userId: 'purge-user',
          grantId: `${prefix}-${name}`,
          scopes: 'read',
          revoked,
          createdAt: new Date(now - 300 * HOUR),
          expiresAt: new Date(expires),
        };
        await access.insert({ ...common, id: `${prefix}-at-${name}` });
        await refresh.insert({
          ...common,
          id: `${prefix}-rt-${name}`,
          tokenHash: `${prefix}-hash-${name}`.padEnd(64, '0'),
          accessTokenId: `${prefix}-at-${name}`,
          usedAt: null,
        });
      }
    }

    async function left(prefix: string): Promise<string[]> {
      const rows = await dataSource().query<Array<{ id: string }>>(
        `SELECT id FROM oauth_access_tokens WHERE id LIKE '${prefix}-%' UNION ALL SELECT id FROM oauth_refresh_tokens WHERE id LIKE '${prefix}-%'`,
      );
      return rows.map(row => row.id).sort();
    }
    const ids = (prefix: string, names: string[]) =>
      names.flatMap(n => [`${prefix}-at-${n}`, `${prefix}-rt-${n}`]).sort();

    it('deletes exactly the right rows, and never a revoked row whose token has not expired', async () => {
      await seed('p1');
      const revoked = await runCli(['purge', '--revoked'], env);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toContain(
        'Purged revoked items expired for more than 1 week.',
      );
      expect(await left('p1')).toEqual(
        ids('p1', ['live', 'liveRevoked', 'recent', 'recentRevoked', 'old']),
      );

      const expired = await runCli(['purge', '--expired'], env);
      expect(expired.stdout).toContain(
        'Purged items expired for more than 1 week.',
      );
      expect(await left('p1')).toEqual(
        ids('p1', ['live', 'liveRevoked', 'recent', 'recentRevoked']),
      );

      const both = await runCli(['purge', '--hours', '0'], env);
      expect(both.stdout).toContain('Purged revoked items and items expired.');
      expect(await left('p1')).toEqual(ids('p1', ['live', 'liveRevoked']));
    });

    it('prints the window and what went with the default options', async () => {
      await seed('p2');
      const run = await runCli(['purge'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        'Purged revoked items and items expired for more than 1 week.',
      );
      expect(run.stdout).toMatch(
        /Deleted \d+ access token and \d+ refresh token rows\./,
      );
      expect(await left('p2')).toEqual(
        ids('p2', ['live', 'liveRevoked', 'recent', 'recentRevoked']),
      );
    });

    it('TokenPurger works in batches and says when it stopped early', async () => {
      await seed('p3');
      const purger = t.app.get(TokenPurger);
      const partial = await purger.purge({
        hours: 0,
        batchSize: 1,
        maxBatches: 2,
      });
      expect(partial).toMatchObject({ complete: false });
      expect(partial.accessTokens + partial.refreshTokens).toBe(4);
      const rest = await purger.purge({ hours: 0, batchSize: 1 });
      expect(rest.complete).toBe(true);
      expect(await left('p3')).toEqual(ids('p3', ['live', 'liveRevoked']));
    });
  });
});
