import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PREVIOUS_KEYS_FILE } from 'nestjs-password-grant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startAppProcess,
  type AppProcess,
  type PrintedDemo,
} from '../support/app-process.js';
import { cliEnv, runCli } from '../support/cli-process.js';
import { databaseKinds, type TestDatabase } from '../support/databases.js';
import { me, passwordGrant, send } from '../support/oauth-http.js';
import { waitFor } from '../support/token-flows.js';
import { tempKeysDir } from '../support/test-app.js';

// Each instance is its own process, as in production (passport keeps its
// strategies in one registry per process).

function kidOf(token: string): string {
  const header = JSON.parse(
    Buffer.from(token.split('.')[0], 'base64url').toString('utf8'),
  ) as { kid: string };
  return header.kid;
}

async function tokenFrom(app: AppProcess, demo: PrintedDemo): Promise<string> {
  const answer = await passwordGrant(app.baseUrl, demo);
  expect(answer.status).toBe(200);
  return answer.body.access_token as string;
}

async function jwksKids(app: AppProcess): Promise<string[]> {
  const answer = await send(`${app.baseUrl}/oauth/jwks`, {});
  expect(answer.status).toBe(200);
  const keys = answer.body.keys as Array<{ kid: string; use: string }>;
  expect(keys.every(key => key.use === 'sig')).toBe(true);
  return keys.map(key => key.kid).sort();
}

const status = async (app: AppProcess, token: string) =>
  (await me(app.baseUrl, token)).status;

describe.each(databaseKinds())('key rotation over HTTP ($name)', kind => {
  let database: TestDatabase;
  let keysDir: string;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];

  /** An instance re-reading the keys every `reload` seconds. */
  async function instance(reload: number): Promise<AppProcess> {
    const app = await startAppProcess({
      ...env,
      PASSWORD_GRANT_KEYS_RELOAD_INTERVAL: String(reload),
    });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    database = await kind.create();
    keysDir = tempKeysDir();
    env = {
      DATABASE_URL: database.url,
      PASSWORD_GRANT_KEYS_DIR: keysDir,
      // One issuer for every instance, whatever its port.
      ISSUER: 'https://api.example.test',
    };
  });
  afterAll(async () => {
    await Promise.all(apps.map(app => app.stop()));
    await database?.drop();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('keeps old tokens working across keys --rotate until keys --retire, on running and fresh instances', async () => {
    // Reloads only on an unknown kid within this test: its interval is 1 h.
    const running = await instance(3600);
    const demo = running.demo!;
    const before = await tokenFrom(running, demo);
    const oldKid = kidOf(before);

    const rotated = await runCli(
      ['keys', '--rotate', '--length', '2048'],
      cliEnv(database.url, keysDir),
    );
    expect(rotated.code).toBe(0);
    const newKid = /New signing key: (\S+)/.exec(rotated.stdout)![1];
    expect(newKid).not.toBe(oldKid);
    expect(readFileSync(join(keysDir, PREVIOUS_KEYS_FILE), 'utf8')).toContain(
      oldKid,
    );
    expect(await status(running, before)).toBe(200);

    // A fresh instance signs with the new key and accepts both.
    const fresh = await instance(1);
    expect(await status(fresh, before)).toBe(200);
    const after = await tokenFrom(fresh, demo);
    expect(kidOf(after)).toBe(newKid);
    expect(await jwksKids(fresh)).toEqual([oldKid, newKid].sort());

    // The running instance meets the new kid, reloads, and signs with it.
    expect(await status(running, after)).toBe(200);
    expect(kidOf(await tokenFrom(running, demo))).toBe(newKid);
    expect(await status(running, before)).toBe(200);
    expect(await jwksKids(running)).toEqual([oldKid, newKid].sort());

    const retired = await runCli(
      ['keys', '--retire', oldKid],
      cliEnv(database.url, keysDir),
    );
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain(`Key ${oldKid} retired`);

    const third = await instance(1);
    expect(await status(third, before)).toBe(401);
    expect(await status(third, after)).toBe(200);
    expect(await jwksKids(third)).toEqual([newKid]);
    // A running instance refuses it once it re-reads the directory (1 s).
    await waitFor(async () => (await status(fresh, before)) === 401, 10_000);
    expect(await status(fresh, after)).toBe(200);
    expect(await jwksKids(fresh)).toEqual([newKid]);
  });

  it('refuses to retire the signing key or an unknown kid', async () => {
    const env = cliEnv(database.url, keysDir);
    const listed = await runCli(['keys', '--list'], env);
    expect(listed.code).toBe(0);
    const signing = /^(\S+) +signing$/m.exec(listed.stdout)![1];
    const own = await runCli(['keys', '--retire', signing], env);
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/is the signing key/);
    const unknown = await runCli(['keys', '--retire', 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No previous key has the kid nope/);
  });
});
