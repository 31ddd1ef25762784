import { writeKeyPair } from 'nestjs-password-grant';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginCredentials } from './load.js';
import { runChild, startServer, type ServerProcess } from './processes.js';
import type { BenchSettings } from './settings.js';

export type Adapter = 'express' | 'fastify';
export const ADAPTERS: Adapter[] = ['express', 'fastify'];

/** Every server of a run, each its own process on 127.0.0.1. */
export interface BenchServers {
  /** examples/basic, as `npm start` runs it (Express). */
  example: ServerProcess;
  ours: Record<Adapter, ServerProcess>;
  peer: Record<Adapter, ServerProcess>;
  /** Our Express app with settings.revoked[0], [1] and [2] revoked rows. */
  scale: [ServerProcess, ServerProcess, ServerProcess];
  /** Our Express app signing with ES256 (refresh only). */
  es256: ServerProcess;
  ourTokens: string[];
  peerTokens: Record<Adapter, string[]>;
}

/** Settings shared by every process of our library. */
export interface OurEnv {
  dir: string;
  keysDir: string;
  issuer: string;
}

export async function prepareOurEnv(dir: string): Promise<OurEnv> {
  const keysDir = join(dir, 'keys');
  await writeKeyPair(keysDir, { length: 2048 });
  return { dir, keysDir, issuer: 'http://127.0.0.1/bench' };
}

export function ourServer(
  env: OurEnv,
  name: string,
  adapter: Adapter,
  revoked = 0,
  execArgv: string[] = [],
  extra: Record<string, string> = {},
): Promise<ServerProcess> {
  const settings = {
    DATABASE_FILE: join(env.dir, `${name}.sqlite`),
    KEYS_DIR: env.keysDir,
    ISSUER: env.issuer,
    HTTP_ADAPTER: adapter,
    SEED_REVOKED: String(revoked),
    ...extra,
  };
  return startServer(name, 'ours', settings, execArgv);
}

/** Signs `count` real tokens with the app's keys, in two processes. */
export async function mintTokens(
  env: OurEnv,
  count: number,
): Promise<string[]> {
  const halves = [Math.ceil(count / 2), Math.floor(count / 2)];
  const files = await Promise.all(
    halves.map(async (part, i) => {
      const file = join(env.dir, `tokens-${i}.txt`);
      if (part === 0) return null;
      await runChild(
        'ours',
        {
          MINT_COUNT: String(part),
          MINT_FILE: file,
          DATABASE_FILE: join(env.dir, `mint-${i}.sqlite`),
          KEYS_DIR: env.keysDir,
          ISSUER: env.issuer,
        },
        'minted',
        `mint-${i}`,
        600_000,
      );
      return file;
    }),
  );
  return files.flatMap(file => (file ? readLines(file) : []));
}

function peerServer(
  dir: string,
  adapter: Adapter,
  tokens: number,
): Promise<ServerProcess> {
  return startServer(`peer-${adapter}`, 'peer', {
    DATABASE_FILE: join(dir, `peer-${adapter}.sqlite`),
    HTTP_ADAPTER: adapter,
    SEED_TOKENS: String(tokens),
    TOKENS_FILE: join(dir, `peer-${adapter}-tokens.txt`),
  });
}

/** Starts every server and signs the tokens, in parallel. */
export async function startServers(
  settings: BenchSettings,
  env: OurEnv,
): Promise<BenchServers> {
  const [example, oursExpress, oursFastify, peerExpress, peerFastify] =
    await Promise.all([
      startServer('example', 'example', {
        DATABASE_URL: `sqlite:${join(env.dir, 'example.sqlite')}`,
        PASSWORD_GRANT_KEYS_DIR: env.keysDir,
        HTTP_ADAPTER: 'express',
        PORT: '0',
      }),
      ourServer(env, 'ours-express', 'express'),
      ourServer(env, 'ours-fastify', 'fastify'),
      peerServer(env.dir, 'express', settings.guardTokens),
      peerServer(env.dir, 'fastify', settings.guardTokens),
    ]);
  const [none, some, many, es256] = await Promise.all([
    ourServer(env, 'ours-revoked-none', 'express', settings.revoked[0]),
    ourServer(env, 'ours-revoked-some', 'express', settings.revoked[1]),
    ourServer(env, 'ours-revoked-many', 'express', settings.revoked[2]),
    ourServer(env, 'ours-es256', 'express', 0, [], { KEY_ALGORITHM: 'ES256' }),
  ]);
  return {
    example,
    ours: { express: oursExpress, fastify: oursFastify },
    peer: { express: peerExpress, fastify: peerFastify },
    scale: [none, some, many],
    es256,
    ourTokens: await mintTokens(env, settings.guardTokens),
    peerTokens: {
      express: readLines(join(env.dir, 'peer-express-tokens.txt')),
      fastify: readLines(join(env.dir, 'peer-fastify-tokens.txt')),
    },
  };
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** Login credentials a server reported when it started. */
export function credentialsOf(server: ServerProcess): LoginCredentials {
  const info = server.info as {
    demo?: {
      clientId: string;
      clientSecret: string;
      username: string;
      password: string;
    };
    client?: { id: string; secret: string };
    user?: { email: string; password: string };
  };
  if (info.demo) return info.demo;
  if (info.client && info.user) {
    return {
      clientId: info.client.id,
      clientSecret: info.client.secret,
      username: info.user.email,
      password: info.user.password,
    };
  }
  throw new Error(`${server.name} reported no credentials.`);
}
