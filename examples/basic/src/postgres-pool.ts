import pg from 'pg';

/**
 * Limits of the PostgreSQL connection pool of one app process. With
 * several instances the database sees at most `instances × max`
 * connections.
 */
export const POSTGRES_POOL_LIMITS = {
  /** Connections per process. */
  max: 10,
  /** Requests waiting for a connection; more are refused at once (503). */
  maxWaiting: 250,
  /** Opening one connection (TCP and login). */
  connectTimeoutMs: 1000,
  /** Waiting for a free connection while the database is reachable. */
  acquireTimeoutMs: 5000,
  /** One statement: cancelled by the server, abandoned by the client. */
  queryTimeoutMs: 2000,
} as const;

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  release: (release?: unknown) => void,
) => void;

const QUEUE_TIMEOUT = 'timeout exceeded when trying to connect';
const READ_TIMEOUT = 'Query read timeout';
/** A SQLSTATE other than connection loss, shutdown or lack of resources. */
const SERVER_ANSWER = /^(?!08|53|57P)[0-9A-Z]{5}$/;

/**
 * Errors of the pool itself carry a PostgreSQL SQLSTATE, so that error
 * filters treat them like the server's own: 53300 (too many connections)
 * and 08006 (connection failure).
 */
function poolError(code: '53300' | '08006', message: string, cause?: unknown) {
  return Object.assign(new Error(message, { cause }), { code });
}

const noRelease = () => undefined;

/** What a pooled connection reports to its pool. */
interface ConnectionEvents {
  /** The server answered a statement. */
  answered(): void;
  /** A statement got no answer within the query timeout. */
  silent(error: Error): void;
}

/**
 * pg's `Client` with the connect timeout of POSTGRES_POOL_LIMITS (the pool
 * gets the longer acquire timeout), which reports answers and silences to
 * its pool. A connection whose statement timed out is closed: its answer
 * may still come and would desynchronise it.
 */
function guardedClient(events: ConnectionEvents): typeof pg.Client {
  return class GuardedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({
        ...config,
        connectionTimeoutMillis: POSTGRES_POOL_LIMITS.connectTimeoutMs,
      });
      const query = this.query.bind(this) as (...a: unknown[]) => unknown;
      Object.assign(this, {
        query: (...args: unknown[]) => {
          const result = query(...args);
          if (result instanceof Promise) {
            result.then(
              () => events.answered(),
              (error: unknown) => this.onQueryError(error),
            );
          }
          return result;
        },
      });
    }

    private onQueryError(error: unknown): void {
      const { message, code } = (error ?? {}) as Error & { code?: unknown };
      if (message !== READ_TIMEOUT) {
        if (typeof code === 'string' && SERVER_ANSWER.test(code)) {
          events.answered();
        }
        return;
      }
      // pg-pool drops a released client that is not queryable; the flag
      // is set here at once, as the stream closes only a moment later.
      const self = this as unknown as {
        _queryable: boolean;
        connection?: { stream: { destroy(): void } };
      };
      self._queryable = false;
      self.connection?.stream.destroy();
      events.silent(error as Error);
    }
  };
}

/**
 * A pg `Pool` whose waiting line is bounded. When the database proves
 * unreachable (a connection cannot be opened, or a statement gets no
 * answer) and no statement was answered within the connect timeout, every
 * waiting request fails at once instead of waiting out its own timeout.
 * While the database does answer, a connection that fails to open is
 * tried once more for its request, so a slow login under load is no error.
 */
class BoundedPool extends pg.Pool {
  private readonly waiters = new Set<(error: Error) => void>();
  private lastAnswer = 0;

  constructor(config: pg.PoolConfig) {
    const events: ConnectionEvents = {
      answered: () => void (this.lastAnswer = performance.now()),
      silent: error => this.onUnreachable(error),
    };
    super({
      ...config,
      Client: guardedClient(events),
      connectionTimeoutMillis: POSTGRES_POOL_LIMITS.acquireTimeoutMs,
    });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback) {
      return new Promise((resolve, reject) =>
        this.connect((err, client) => (err ? reject(err) : resolve(client!))),
      );
    }
    if (this.waiters.size >= POSTGRES_POOL_LIMITS.maxWaiting) {
      const full = poolError(
        '53300',
        'Too many requests wait for a connection.',
      );
      callback(full, undefined, noRelease);
      return;
    }
    this.acquire(callback, false);
  }

  private acquire(callback: ConnectCallback, retried: boolean): void {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      this.waiters.delete(fail);
      const down = poolError('08006', 'The database is unreachable.', error);
      callback(down, undefined, noRelease);
    };
    this.waiters.add(fail);
    super.connect((err, client, release) => {
      this.waiters.delete(fail);
      if (settled) {
        if (client) release();
        return;
      }
      settled = true;
      if (err && err.message !== QUEUE_TIMEOUT) {
        if (!retried && this.answeredRecently()) {
          this.acquire(callback, true);
          return;
        }
        this.onUnreachable(err);
      }
      callback(err, client, release);
    });
  }

  private answeredRecently(): boolean {
    const since = performance.now() - this.lastAnswer;
    return since < POSTGRES_POOL_LIMITS.connectTimeoutMs;
  }

  private onUnreachable(error: Error): void {
    if (this.answeredRecently()) return;
    for (const fail of [...this.waiters]) fail(error);
  }
}

/**
 * The `pg` module TypeORM should use (its `driver` option): pg itself with
 * the bounded pool above.
 */
export function boundedPostgresDriver(): typeof pg {
  return Object.assign(Object.create(pg) as typeof pg, { Pool: BoundedPool });
}

/** The pool settings that go with {@link boundedPostgresDriver}. */
export function postgresPoolOptions(): pg.PoolConfig {
  const limits = POSTGRES_POOL_LIMITS;
  return {
    max: limits.max,
    query_timeout: limits.queryTimeoutMs,
    statement_timeout: limits.queryTimeoutMs,
  };
}
