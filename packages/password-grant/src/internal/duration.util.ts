import type { Duration } from '../interfaces/password-grant-module-options.interface.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in a duration given as a number or as `30s`, `15m`, `1h`, `30d`. */
export function toSeconds(value: Duration): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * UNITS[match[2]];
}
