/**
 * A date read from a raw query, as epoch milliseconds. PostgreSQL drivers
 * return `Date`s; SQLite returns `YYYY-MM-DD HH:MM:SS.SSS` text in UTC.
 */
export function toEpochMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const iso = value.includes('T') ? value : `${value.replace(' ', 'T')}Z`;
    const time = Date.parse(iso);
    if (!Number.isNaN(time)) return time;
  }
  return Number.POSITIVE_INFINITY;
}
