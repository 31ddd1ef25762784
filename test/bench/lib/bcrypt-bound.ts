import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { median } from './stats.js';

const COST = 10;
let hash: Promise<string> | undefined;

/**
 * The most logins per second this machine can do: cores / the median time
 * of one bcrypt compare at cost 10, with the bcrypt package the apps use.
 */
export async function bcryptBound(
  samples: number,
): Promise<{ compareMs: number; loginsPerSecond: number; cores: number }> {
  hash ??= bcrypt.hash('bench-password', COST);
  const stored = await hash;
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await bcrypt.compare('bench-password', stored);
    times.push(performance.now() - start);
  }
  const compareMs = median(times);
  const cores = availableParallelism();
  return { compareMs, loginsPerSecond: (cores * 1000) / compareMs, cores };
}
