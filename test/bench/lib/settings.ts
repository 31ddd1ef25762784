/** How long and how big each part of a run is. */
export interface BenchSettings {
  mode: 'full' | 'quick' | 'smoke';
  rounds: number;
  /** Seconds of each load without bcrypt. */
  seconds: number;
  /** Seconds of each load of logins (bcrypt bound: fewer answers). */
  loginSeconds: number;
  connections: number;
  /** Concurrent password grants (SPEC §10 names eight). */
  loginConnections: number;
  /** Distinct valid tokens in rotation on guarded routes. */
  guardTokens: number;
  /** Revoked rows in the scale test: none, some, many. */
  revoked: [number, number, number];
  /** Guarded requests, and distinct tokens, before reading the RSS. */
  rssRequests: number;
  rssTokens: number;
  rssSeconds: number;
  bcryptSamples: number;
}

const FULL: BenchSettings = {
  mode: 'full',
  rounds: 5,
  seconds: 4,
  loginSeconds: 6,
  connections: 16,
  loginConnections: 8,
  guardTokens: 10_000,
  revoked: [0, 10_000, 1_000_000],
  rssRequests: 1_000_000,
  rssTokens: 100_000,
  rssSeconds: 420,
  bcryptSamples: 16,
};

const QUICK: BenchSettings = {
  ...FULL,
  mode: 'quick',
  rounds: 3,
  seconds: 2,
  loginSeconds: 2,
  guardTokens: 2_000,
  rssRequests: 100_000,
  rssTokens: 20_000,
  rssSeconds: 60,
  bcryptSamples: 8,
};

const SMOKE: BenchSettings = {
  ...QUICK,
  mode: 'smoke',
  rounds: 1,
  seconds: 0.5,
  loginSeconds: 1,
  connections: 4,
  loginConnections: 2,
  guardTokens: 50,
  revoked: [0, 100, 1_000],
  rssRequests: 1_000,
  rssTokens: 200,
  rssSeconds: 10,
  bcryptSamples: 2,
};

/** `--quick` and `--smoke` shrink the run; `--profile` adds CPU profiles. */
export function settingsFromArgs(args: string[]): BenchSettings {
  if (args.includes('--smoke')) return SMOKE;
  if (args.includes('--quick')) return QUICK;
  return FULL;
}
