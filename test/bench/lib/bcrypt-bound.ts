import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { median } from './stats.js';

const COST = 10;
let hash: Promise<string> | undefined;

async function timeCompares(stored: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await bcrypt.compare('bench-password', stored);
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * The most logins per second this machine can do: cores / the median time
 * of one bcrypt compare at cost 10, with the bcrypt package the apps use.
 * One compare runs per core at a time, so on a busy machine the bound sees
 * the same share of the cores as the logins measured next to it.
 */
export async function bcryptBound(
  samples: number,
): Promise<{ compareMs: number; loginsPerSecond: number; cores: number }> {
  hash ??= bcrypt.hash('bench-password', COST);
  const stored = await hash;
  const cores = availableParallelism();
  const perCore = Math.max(1, Math.ceil(samples / cores));
  const lanes = Array.from({ length: cores }, () =>
    timeCompares(stored, perCore),
  );
  const compareMs = median((await Promise.all(lanes)).flat());
  return { compareMs, loginsPerSecond: (cores * 1000) / compareMs, cores };
}
