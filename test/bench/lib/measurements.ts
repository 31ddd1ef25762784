import { bcryptBound } from './bcrypt-bound.js';
import {
  bearerLoad,
  login,
  loginLoad,
  refresh,
  refreshLoad,
  type LoadResult,
  type LoadShape,
} from './load.js';
import type { ServerProcess } from './processes.js';
import { ADAPTERS, credentialsOf, type BenchServers } from './servers.js';
import type { BenchSettings } from './settings.js';
import type { Samples } from './stats.js';

/** Which optional features the library has at the time of the run. */
export interface Features {
  /** Null when `grant_type=refresh_token` works; else why not. */
  refresh: string | null;
  /** Null when guards refuse a revoked token; else why not. */
  revocation: string | null;
}

/** Refresh tokens for each server, obtained by logging in. */
export interface RefreshPools {
  ours: string[];
  es256: string[];
  peer: string[];
}

async function getStatus(url: string, token: string): Promise<number> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Fails the run early when a route does not answer as a bench needs. */
export async function checkRoutes(servers: BenchServers): Promise<void> {
  for (const adapter of ADAPTERS) {
    const ours = servers.ours[adapter].url;
    const peer = servers.peer[adapter].url;
    const checks: [string, string, number][] = [
      [`${ours}/bench/open`, servers.ourTokens[0], 200],
      [`${ours}/bench/guarded`, servers.ourTokens[0], 200],
      [`${ours}/bench/guarded`, 'not-a-token', 401],
      [`${peer}/bench/guarded`, servers.peerTokens[adapter][0], 200],
      [`${peer}/bench/guarded`, 'not-a-token', 401],
    ];
    for (const [url, token, expected] of checks) {
      const status = await getStatus(url, token);
      if (status !== expected) {
        throw new Error(`GET ${url} answered ${status}, not ${expected}.`);
      }
    }
  }
}

/** Whether guards refuse the revoked sentinel token (SPEC §5.4). */
async function revocationMissing(
  server: ServerProcess,
): Promise<string | null> {
  const info = server.info as {
    revoked?: { unavailable: string | null };
    revokedSentinel?: string;
  };
  if (info.revoked?.unavailable) return info.revoked.unavailable;
  const status = await getStatus(
    `${server.url}/bench/guarded`,
    info.revokedSentinel ?? '',
  );
  return status === 401
    ? null
    : `a revoked token still passes the guard (status ${status}): guards do not read the revocation set yet`;
}

/** Whether our token endpoint takes `grant_type=refresh_token`. */
async function refreshMissing(server: ServerProcess): Promise<string | null> {
  const credentials = credentialsOf(server);
  const first = await login(server.url, credentials);
  const token = first.body.refresh_token;
  if (first.status !== 200 || typeof token !== 'string') {
    return `the password grant answered ${first.status}`;
  }
  const second = await refresh(server.url, credentials, token);
  if (second.status === 200) return null;
  return `grant_type=refresh_token answered ${second.status} ${String(second.body.error)}: not available yet`;
}

export async function detectFeatures(servers: BenchServers): Promise<Features> {
  return {
    refresh: await refreshMissing(servers.ours.express),
    revocation: await revocationMissing(servers.scale[1]),
  };
}

/**
 * Logs in until the pool holds `size` unused refresh tokens. A load that
 * ends leaves one popped, unsent token per connection behind.
 */
async function topUp(
  server: ServerProcess,
  pool: string[],
  size: number,
): Promise<void> {
  for (let i = 0; pool.length < size && i < size; i++) {
    const { status, body } = await login(server.url, credentialsOf(server));
    if (status !== 200) throw new Error(`${server.name}: login ${status}`);
    pool.push(String(body.refresh_token));
  }
}

/** Runs a load and records its 2xx rate under `name`. */
async function record(
  samples: Samples,
  name: string,
  load: Promise<LoadResult>,
): Promise<LoadResult> {
  const result = await load;
  if (result.ok === 0) {
    throw new Error(`${name}: no successful answer (${result.failed} failed)`);
  }
  samples.add(name, result.rps);
  samples.add(`${name}.failed`, result.failed);
  return result;
}

/**
 * Sends every token once to every guarded route, so that no round pays
 * for first verifications the others do not (a cold verified-token cache
 * made the first round's guard figures the lowest).
 */
export async function primeGuards(
  servers: BenchServers,
  connections: number,
): Promise<void> {
  const ours = [servers.ours.express, servers.ours.fastify, ...servers.scale];
  const targets: [ServerProcess, string[]][] = [
    ...ours.map(
      server => [server, servers.ourTokens] as [ServerProcess, string[]],
    ),
    [servers.peer.express, servers.peerTokens.express],
    [servers.peer.fastify, servers.peerTokens.fastify],
  ];
  for (const [server, tokens] of targets) {
    await bearerLoad(server.url, '/bench/guarded', tokens, {
      connections,
      seconds: 120,
      amount: tokens.length,
    });
  }
}

/** One round of every measurement, interleaved. */
export async function measureRound(
  servers: BenchServers,
  settings: BenchSettings,
  features: Features,
  pools: RefreshPools,
  samples: Samples,
): Promise<void> {
  const shape: LoadShape = {
    connections: settings.connections,
    seconds: settings.seconds,
  };
  const logins: LoadShape = {
    connections: settings.loginConnections,
    seconds: settings.loginSeconds,
  };
  await measureLogins(servers, settings, logins, samples);
  await measureGuards(servers, shape, samples);
  await measureRefresh(servers, shape, features, pools, samples);
  await measureScale(servers, shape, samples);
  await measureGuardDuringLogins(servers, shape, logins, samples);
}

async function measureLogins(
  servers: BenchServers,
  settings: BenchSettings,
  shape: LoadShape,
  samples: Samples,
): Promise<void> {
  const bound = await bcryptBound(settings.bcryptSamples);
  samples.add('bcrypt.compare_ms', bound.compareMs);
  samples.add('bcrypt.bound_logins_per_s', bound.loginsPerSecond);
  const { example, peer } = servers;
  await record(
    samples,
    'token.ours',
    loginLoad(example.url, credentialsOf(example), shape),
  );
  await record(
    samples,
    'token.peer',
    loginLoad(peer.express.url, credentialsOf(peer.express), shape),
  );
}

async function measureGuards(
  servers: BenchServers,
  shape: LoadShape,
  samples: Samples,
): Promise<void> {
  for (const adapter of ADAPTERS) {
    const ours = servers.ours[adapter].url;
    const peer = servers.peer[adapter].url;
    const tokens = servers.ourTokens;
    await record(
      samples,
      `open.ours.${adapter}`,
      bearerLoad(ours, '/bench/open', tokens, shape),
    );
    await record(
      samples,
      `guarded.ours.${adapter}`,
      bearerLoad(ours, '/bench/guarded', tokens, shape),
    );
    await record(
      samples,
      `guarded.peer.${adapter}`,
      bearerLoad(peer, '/bench/guarded', servers.peerTokens[adapter], shape),
    );
  }
}

async function measureRefresh(
  servers: BenchServers,
  shape: LoadShape,
  features: Features,
  pools: RefreshPools,
  samples: Samples,
): Promise<void> {
  const targets: [keyof RefreshPools, ServerProcess][] = [
    ['peer', servers.peer.express],
  ];
  if (!features.refresh) {
    targets.unshift(['ours', servers.ours.express], ['es256', servers.es256]);
  }
  for (const [name, server] of targets) {
    await topUp(server, pools[name], shape.connections * 2);
    const credentials = credentialsOf(server);
    const load = refreshLoad(server.url, credentials, pools[name], shape);
    await record(samples, `refresh.${name}`, load);
  }
}

async function measureScale(
  servers: BenchServers,
  shape: LoadShape,
  samples: Samples,
): Promise<void> {
  const targets: [string, ServerProcess][] = [
    ['revoked.none', servers.scale[0]],
    ['revoked.some', servers.scale[1]],
    ['revoked.many', servers.scale[2]],
  ];
  // Three identical apps but for the revoked rows; the order turns each
  // round, so none of them always runs first or last.
  const turn = samples.get('guarded.revoked.none').length % targets.length;
  const order = [...targets.slice(turn), ...targets.slice(0, turn)];
  for (const [name, server] of order) {
    await record(
      samples,
      `guarded.${name}`,
      bearerLoad(server.url, '/bench/guarded', servers.ourTokens, shape),
    );
  }
}

/** SPEC §10: guarded requests while eight logins saturate bcrypt. */
async function measureGuardDuringLogins(
  servers: BenchServers,
  shape: LoadShape,
  logins: LoadShape,
  samples: Samples,
): Promise<void> {
  const server = servers.ours.express;
  const during = { ...shape, seconds: Math.max(1, shape.seconds) };
  const loginLoadShape = { ...logins, seconds: during.seconds + 1 };
  await record(
    samples,
    'guarded.idle',
    bearerLoad(server.url, '/bench/guarded', servers.ourTokens, during),
  );
  const background = loginLoad(
    server.url,
    credentialsOf(server),
    loginLoadShape,
  );
  await new Promise(resolve => setTimeout(resolve, 500));
  await record(
    samples,
    'guarded.during_logins',
    bearerLoad(server.url, '/bench/guarded', servers.ourTokens, during),
  );
  await record(samples, 'token.ours.bench_app', background);
}
