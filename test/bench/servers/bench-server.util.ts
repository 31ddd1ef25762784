import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

/** What a bench server tells the harness once it listens. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  pid: number;
  [key: string]: unknown;
}

/** Exits when the harness goes away, so no server outlives a run. */
export function exitWithParent(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    void close().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Listens on a free port of 127.0.0.1 and reports it to the harness. */
export async function listenAndReport(
  app: INestApplication,
  extra: Record<string, unknown> = {},
): Promise<void> {
  exitWithParent(() => app.close());
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'memory') send({ type: 'memory', ...memory() });
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  send({ type: 'ready', port: address.port, pid: process.pid, ...extra });
}

/**
 * RSS and heap as the process runs, then, when started with
 * `--expose-gc`, the heap still in use after a full collection.
 */
function memory(): Record<string, number> {
  const { rss, heapUsed } = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { rss, heapUsed };
  gc();
  const after = process.memoryUsage();
  return { rss, heapUsed, rssAfterGc: after.rss, heapAfterGc: after.heapUsed };
}

/** Sends one message over the IPC channel the harness opened. */
export function send(message: Record<string, unknown>): void {
  if (!process.send) throw new Error('Start bench servers from the harness.');
  process.send(message);
}

/** `express` or `fastify`, from HTTP_ADAPTER. */
export function adapterFromEnv(): 'express' | 'fastify' {
  const adapter = process.env.HTTP_ADAPTER ?? 'express';
  if (adapter !== 'express' && adapter !== 'fastify') {
    throw new Error('HTTP_ADAPTER must be "express" or "fastify".');
  }
  return adapter;
}

/** A required environment variable. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}
