import { fileURLToPath } from 'node:url';

/** The example's settings, read from the environment (SPEC §9). */
export interface AppConfig {
  port: number;
  /** `sqlite:<file>` or `postgres://user:pass@host:port/db`. */
  databaseUrl: string;
  keysDir: string;
  throttlePerMinute: number;
  throttleEnabled: boolean;
  /** Where throttling counters live; `database` shares them. */
  throttleStore: 'memory' | 'database';
  httpAdapter: 'express' | 'fastify';
  issuer: string;
  /** Create the demo user and client on first start. */
  seedDemo: boolean;
}

const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'off', 'no'].includes(value.toLowerCase());
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  const adapter = env.HTTP_ADAPTER ?? 'express';
  if (adapter !== 'express' && adapter !== 'fastify') {
    throw new Error('HTTP_ADAPTER must be "express" or "fastify".');
  }
  return {
    port,
    databaseUrl: env.DATABASE_URL || `sqlite:${DATA_DIR}app.sqlite`,
    keysDir: env.PASSWORD_GRANT_KEYS_DIR || `${DATA_DIR}keys`,
    throttlePerMinute: Number(env.THROTTLE_PER_MINUTE ?? 60),
    throttleEnabled: flag(env.THROTTLE_ENABLED, true),
    throttleStore: env.THROTTLE_STORE === 'database' ? 'database' : 'memory',
    httpAdapter: adapter,
    issuer: env.ISSUER || `http://localhost:${port}`,
    seedDemo: flag(env.SEED_DEMO, true),
  };
}
