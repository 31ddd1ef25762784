import type { DataSource } from 'typeorm';
import type {
  ThrottleEntry,
  ThrottleStore,
} from './throttle-store.interface.js';

const TABLE = 'oauth_throttle';
const SWEEP_EVERY = 500;

interface Row {
  value: number | string;
  expires_at: number | string;
}

/**
 * Counters in the `oauth_throttle` table, shared by every instance on the
 * database. Each increment is one upsert statement, atomic on SQLite and
 * PostgreSQL; expired rows are swept now and then.
 *
 * @publicApi
 */
export class DatabaseThrottleStore implements ThrottleStore {
  private writes = 0;

  constructor(private readonly dataSource: DataSource) {}

  async increment(
    key: string,
    ttlMs: number,
    now: number,
  ): Promise<ThrottleEntry> {
    const rows = (await this.run(
      `INSERT INTO ${TABLE} (throttle_key, value, expires_at) VALUES ($1, 1, $2)
       ON CONFLICT (throttle_key) DO UPDATE SET
         value = CASE WHEN ${TABLE}.expires_at <= $3 THEN 1 ELSE ${TABLE}.value + 1 END,
         expires_at = CASE WHEN ${TABLE}.expires_at <= $3 THEN $2 ELSE ${TABLE}.expires_at END
       RETURNING value, expires_at`,
      [key, now + ttlMs, now],
    )) as Row[];
    await this.sweep(now);
    return toEntry(rows[0]);
  }

  async get(key: string, now: number): Promise<ThrottleEntry | null> {
    const rows = (await this.run(
      `SELECT value, expires_at FROM ${TABLE} WHERE throttle_key = $1 AND expires_at > $2`,
      [key, now],
    )) as Row[];
    return rows.length > 0 ? toEntry(rows[0]) : null;
  }

  async set(
    key: string,
    value: number,
    ttlMs: number,
    now: number,
  ): Promise<void> {
    await this.run(
      `INSERT INTO ${TABLE} (throttle_key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (throttle_key) DO UPDATE SET value = $2, expires_at = $3`,
      [key, value, now + ttlMs],
    );
    await this.sweep(now);
  }

  async delete(key: string): Promise<void> {
    await this.run(`DELETE FROM ${TABLE} WHERE throttle_key = $1`, [key]);
  }

  private async sweep(now: number): Promise<void> {
    this.writes += 1;
    if (this.writes % SWEEP_EVERY !== 0) return;
    await this.run(`DELETE FROM ${TABLE} WHERE expires_at <= $1`, [now]);
  }

  /**
   * Runs SQL written with PostgreSQL's `$n` parameters; for SQLite each
   * `$n` becomes `?` and its value is repeated in order.
   */
  private run(sql: string, params: unknown[]): Promise<unknown> {
    if (this.dataSource.options.type === 'postgres') {
      return this.dataSource.query(sql, params);
    }
    const ordered: unknown[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      ordered.push(params[Number(n) - 1]);
      return '?';
    });
    return this.dataSource.query(text, ordered);
  }
}

function toEntry(row: Row): ThrottleEntry {
  return { value: Number(row.value), expiresAt: Number(row.expires_at) };
}
