/** One answered (or failed) request of a load run. */
export interface Sample {
  /** Milliseconds since the run started. */
  start: number;
  end: number;
  /** HTTP status, or 0 when the request failed without an answer. */
  status: number;
}

export interface LoadOptions {
  durationMs: number;
  concurrency: number;
  /** Hard cap on the number of requests, whatever the duration. */
  maxRequests: number;
  /** `performance.now()` the sample times count from; now by default. */
  origin?: number;
  send(): Promise<number>;
}

/**
 * Keeps `concurrency` requests in flight on 127.0.0.1 until the duration
 * or the request cap is reached, and records every answer.
 */
export async function runLoad(options: LoadOptions): Promise<Sample[]> {
  const origin = options.origin ?? performance.now();
  const now = () => performance.now() - origin;
  const samples: Sample[] = [];
  let sent = 0;
  const worker = async () => {
    while (now() < options.durationMs && sent < options.maxRequests) {
      sent++;
      const start = now();
      const status = await options.send().catch(() => 0);
      samples.push({ start, end: now(), status });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return samples;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Calls `check` every 200 ms until it returns true or `timeoutMs` passes;
 * resolves with the milliseconds it took, or rejects.
 */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return performance.now() - started;
    await sleep(200);
  }
  throw new Error(`Not reached within ${timeoutMs} ms.`);
}
