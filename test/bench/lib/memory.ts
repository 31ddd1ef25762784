import { bearerLoad } from './load.js';
import { ourServer, type OurEnv } from './servers.js';
import type { BenchSettings } from './settings.js';

const MB = 1024 * 1024;

/** RSS of a fresh guarded app before and after many guarded requests. */
export interface MemoryResult {
  requests: number;
  distinctTokens: number;
  failed: number;
  seconds: number;
  rssMbAtStart: number;
  rssMbAfter: number;
  heapMbAfter: number;
  /** After a full collection: what the process really keeps. */
  rssMbAfterGc: number | null;
  heapMbAfterGc: number | null;
}

/**
 * Starts a fresh Express app of ours, sends `rssRequests` guarded requests
 * over `rssTokens` distinct tokens, then reads the server's RSS.
 */
export async function measureMemory(
  settings: BenchSettings,
  env: OurEnv,
  tokens: string[],
): Promise<MemoryResult> {
  const server = await ourServer(env, 'ours-memory', 'express', 0, [
    '--expose-gc',
  ]);
  try {
    const before = await server.memory();
    const result = await bearerLoad(server.url, '/bench/guarded', tokens, {
      connections: settings.connections,
      seconds: settings.rssSeconds,
      amount: settings.rssRequests,
    });
    const after = await server.memory();
    return {
      requests: result.ok + result.failed,
      distinctTokens: tokens.length,
      failed: result.failed,
      seconds: result.seconds,
      rssMbAtStart: before.rss / MB,
      rssMbAfter: after.rss / MB,
      heapMbAfter: after.heapUsed / MB,
      rssMbAfterGc: after.rssAfterGc ? after.rssAfterGc / MB : null,
      heapMbAfterGc: after.heapAfterGc ? after.heapAfterGc / MB : null,
    };
  } finally {
    await server.stop();
  }
}
