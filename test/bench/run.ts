import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import {
  checkRoutes,
  detectFeatures,
  measureRound,
  primeGuards,
} from './lib/measurements.js';
import { measureMemory } from './lib/memory.js';
import {
  killChildrenOnExit,
  setServerExecArgv,
  stopAll,
} from './lib/processes.js';
import { figures, meets, svg, table } from './lib/report.js';
import {
  mintTokens,
  prepareOurEnv,
  startServers,
  type OurEnv,
} from './lib/servers.js';
import { settingsFromArgs, type BenchSettings } from './lib/settings.js';
import { round, Samples } from './lib/stats.js';

/**
 * `npm run bench [-- --quick | --smoke] [--profile]`: starts the servers
 * as separate processes, drives them with autocannon over 127.0.0.1 in
 * interleaved rounds, and reports same-run ratios (medians).
 */
const args = process.argv.slice(2);
const settings = settingsFromArgs(args);
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

function log(message: string): void {
  process.stdout.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );
}

function machine() {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGb: round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function profileArgs(dir: string): string[] {
  if (!args.includes('--profile')) return [];
  const profiles = join(RESULTS, 'profiles');
  mkdirSync(profiles, { recursive: true });
  log(`CPU profiles of every server go to ${profiles} (${dir})`);
  return ['--cpu-prof', `--cpu-prof-dir=${profiles}`];
}

async function measureAll(settings: BenchSettings, env: OurEnv) {
  log('starting servers and signing tokens');
  const servers = await startServers(settings, env);
  await checkRoutes(servers);
  const features = await detectFeatures(servers);
  log(
    `features: refresh ${features.refresh ?? 'yes'}; revocation set ${features.revocation ?? 'yes'}`,
  );
  const pools = { ours: [], es256: [], peer: [] };
  if (settings.mode !== 'smoke') {
    log('every token once to every guarded route, then a warm-up round');
    await primeGuards(servers, settings.connections);
    const warmup = { ...settings, seconds: 0.5, loginSeconds: 0.5 };
    await measureRound(servers, warmup, features, pools, new Samples());
  }
  const samples = new Samples();
  for (let round = 1; round <= settings.rounds; round++) {
    log(`round ${round} of ${settings.rounds}`);
    await measureRound(servers, settings, features, pools, samples);
  }
  await stopAll();
  log(
    `memory: ${settings.rssRequests} guarded requests over ${settings.rssTokens} tokens`,
  );
  const tokens = await mintTokens(env, settings.rssTokens);
  const memory = await measureMemory(settings, env, tokens);
  return { samples, features, memory };
}

async function write(
  result: object,
  list: ReturnType<typeof figures>,
): Promise<string> {
  const caption = `${settings.mode} run, ${machine().cores} cores (${machine().cpu}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const base =
    settings.mode === 'full'
      ? 'latest'
      : settings.mode === 'quick'
        ? 'quick'
        : null;
  const dir = base ? RESULTS : mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const name = base ?? 'smoke';
  mkdirSync(dir, { recursive: true });
  // Formatted as the repository's Prettier check expects.
  const json = await format(JSON.stringify(result), { parser: 'json' });
  writeFileSync(join(dir, `${name}.json`), json);
  writeFileSync(join(dir, `${name}.svg`), svg(list, caption));
  return join(dir, `${name}.json`);
}

async function main(): Promise<void> {
  killChildrenOnExit();
  const dir = mkdtempSync(join(tmpdir(), 'password-grant-bench-'));
  setServerExecArgv(profileArgs(dir));
  const startedAt = Date.now();
  try {
    const env = await prepareOurEnv(dir);
    const { samples, features, memory } = await measureAll(settings, env);
    const list = figures(samples, features, memory, settings);
    const results = Object.fromEntries(list.map(f => [f.key, f.value]));
    const file = await write(
      {
        generatedAt: new Date().toISOString(),
        mode: settings.mode,
        machine: machine(),
        settings,
        method: [
          'Each server is its own Node process on 127.0.0.1, driven by autocannon from the harness process.',
          'Every figure is the median over rounds of a ratio taken within one round; loads of a round run one after another.',
          'bcrypt bound: cores x 1000 / median compare time (ms) at cost 10, one compare per core at a time, measured in each round.',
          `Guarded loads rotate ${settings.guardTokens} distinct valid tokens; the unguarded route gets the same requests.`,
          'Revoked rows are written with revoked_at an hour in the past, so the revocation set reads them once at startup.',
        ],
        durationSeconds: round((Date.now() - startedAt) / 1000),
        results,
        details: list.map(f => ({ ...f, met: meets(f) })),
        memory,
        figures: samples.medians(),
      },
      list,
    );
    process.stdout.write(`\n${table(list)}\n\n`);
    log(`wrote ${file} in ${round((Date.now() - startedAt) / 1000)} s`);
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
