import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(
  new URL('../../examples/basic/dist/main.js', import.meta.url),
);
const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts the example as `npm start` does and collects its output. */
function start(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within 20 s:\n${text}`)),
      20_000,
    );
    const poll = setInterval(() => {
      if (
        /Listening on/.test(text) &&
        (/Get a token with/.test(text) ? /Then call/.test(text) : true)
      ) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ child, output: () => text });
      }
    }, 50);
    child.on('exit', code => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${text}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('npm start (examples/basic as a process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'password-grant-start-'));
  let env: NodeJS.ProcessEnv;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    env = {
      PORT: String(await freePort()),
      DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      PASSWORD_GRANT_KEYS_DIR: join(dir, 'keys'),
    };
  });
  afterAll(async () => {
    if (child) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a curl line on first start that returns a token, which GET /me accepts across a restart', async () => {
    const first = await start(env);
    child = first.child;
    const line = first
      .output()
      .split('\n')
      .find(text => text.startsWith('curl '));
    expect(line).toBeDefined();
    const { stdout } = await run('sh', ['-c', line!]);
    const body = JSON.parse(stdout) as {
      access_token: string;
      token_type: string;
    };
    expect(body.token_type).toBe('Bearer');
    const base = `http://127.0.0.1:${env.PORT}`;
    const headers = { Authorization: `Bearer ${body.access_token}` };
    expect((await fetch(`${base}/me`, { headers })).status).toBe(200);

    await stop(child);
    const second = await start(env);
    child = second.child;
    expect(second.output()).not.toMatch(/^curl /m);
    expect(second.output()).toMatch(/demo client already exists/);
    const me = await fetch(`${base}/me`, { headers });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'demo@example.com' });
  });
});
