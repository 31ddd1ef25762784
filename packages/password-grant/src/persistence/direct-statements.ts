import type {
  DataSource,
  EntityMetadata,
  EntityTarget,
  ObjectLiteral,
} from 'typeorm';

/** One statement of an atomic batch. */
export interface RowWrite {
  sql: string;
  params: unknown[];
  /** Rows it must change; any other count undoes the whole batch. */
  expect?: number;
}

/** Column values by entity property; `null` in a filter means IS NULL. */
type Values<T> = { [K in keyof T]?: T[K] | null };

/** The part of a better-sqlite3 connection these statements use. */
interface SqliteConnection {
  prepare(sql: string): {
    get(...params: unknown[]): unknown;
    run(...params: unknown[]): { changes: number };
  };
  transaction(run: (writes: RowWrite[]) => number[]): {
    immediate(writes: RowWrite[]): number[];
  };
}

class ExpectationFailed extends Error {}

/** The columns a filter names, and which of them it wants NULL. */
function shape(where: ObjectLiteral): string {
  return Object.keys(where)
    .map(key => (where[key] === null ? `${key}=null` : key))
    .join(',');
}

/**
 * The statements of the token endpoint's hot path, written once from the
 * entity metadata and run without the query builder.
 *
 * Values go through the driver's own conversions, so rows read and
 * written here are the rows the repositories read and write. On
 * better-sqlite3 a batch runs synchronously in one `BEGIN IMMEDIATE`
 * transaction (one commit, and nothing of this process runs in between);
 * on other drivers it runs in a transaction on one pooled connection.
 */
export class DirectStatements {
  private readonly prepared = new Map<
    string,
    ReturnType<SqliteConnection['prepare']>
  >();
  private preparedOn: SqliteConnection | null = null;
  private batch: ReturnType<SqliteConnection['transaction']> | null = null;
  private readonly texts = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  /** The better-sqlite3 connection, or null on other drivers. */
  private get sqlite(): SqliteConnection | null {
    if (this.dataSource.options.type !== 'better-sqlite3') return null;
    const driver = this.dataSource.driver as { databaseConnection?: unknown };
    return (driver.databaseConnection as SqliteConnection) ?? null;
  }

  /**
   * Whether a batch runs with nothing else of this process in between, and
   * serialized with every other writer (true on better-sqlite3).
   */
  get serialized(): boolean {
    return this.sqlite !== null;
  }

  /** The first row whose columns equal `where`, hydrated. */
  async findOne<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    where: Values<T>,
  ): Promise<T | null> {
    const metadata = this.dataSource.getMetadata(target);
    const sql = this.text(`select ${metadata.name} ${shape(where)}`, () => {
      const columns = metadata.columns
        .map(column => this.dataSource.driver.escape(column.databaseName))
        .join(', ');
      return `SELECT ${columns} FROM ${this.table(metadata)} WHERE ${this.filter(metadata, where, 0)} LIMIT 1`;
    });
    const raw = await this.selectOne(sql, this.values(metadata, where));
    if (!raw) return null;
    const entity = metadata.create() as T;
    for (const column of metadata.columns) {
      const value = this.dataSource.driver.prepareHydratedValue(
        raw[column.databaseName],
        column,
      );
      (entity as ObjectLiteral)[column.propertyName] = value;
    }
    return entity;
  }

  insert<T extends ObjectLiteral>(target: EntityTarget<T>, row: T): RowWrite {
    const metadata = this.dataSource.getMetadata(target);
    const sql = this.text(`insert ${metadata.name}`, () => {
      const names = metadata.columns.map(column =>
        this.dataSource.driver.escape(column.databaseName),
      );
      const marks = names.map((_, i) => this.placeholder(i));
      return `INSERT INTO ${this.table(metadata)} (${names.join(', ')}) VALUES (${marks.join(', ')})`;
    });
    const params = metadata.columns.map(column =>
      this.value(metadata, column.propertyName, row),
    );
    return { sql, params };
  }

  update<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    set: Values<T>,
    where: Values<T>,
    expect?: number,
  ): RowWrite {
    const metadata = this.dataSource.getMetadata(target);
    const assigned = Object.keys(set);
    const key = `update ${metadata.name} ${assigned.join(',')} ${shape(where)}`;
    const sql = this.text(key, () => {
      const assignments = assigned.map(
        (property, i) =>
          `${this.column(metadata, property)} = ${this.placeholder(i)}`,
      );
      return `UPDATE ${this.table(metadata)} SET ${assignments.join(', ')} WHERE ${this.filter(metadata, where, assigned.length)}`;
    });
    const params = [
      ...assigned.map(property => this.value(metadata, property, set)),
      ...this.values(metadata, where),
    ];
    return { sql, params, expect };
  }

  /**
   * Runs the writes in one transaction and returns the rows each changed,
   * or null, with nothing written, when a write changed another number of
   * rows than it expected.
   */
  async atomically(writes: RowWrite[]): Promise<number[] | null> {
    const sqlite = this.sqlite;
    try {
      return sqlite
        ? this.on(sqlite).batch!.immediate(writes)
        : await this.inTransaction(writes);
    } catch (error) {
      if (error instanceof ExpectationFailed) return null;
      throw error;
    }
  }

  private run(write: RowWrite): number {
    const changes = this.statement(write.sql).run(...write.params).changes;
    if (write.expect !== undefined && changes !== write.expect) {
      throw new ExpectationFailed();
    }
    return changes;
  }

  private async inTransaction(writes: RowWrite[]): Promise<number[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const counts: number[] = [];
      for (const write of writes) {
        const [sql, params] = this.native(write.sql, write.params);
        const result = await runner.query(sql, params, true);
        const changes = result.affected ?? 0;
        if (write.expect !== undefined && changes !== write.expect) {
          throw new ExpectationFailed();
        }
        counts.push(changes);
      }
      await runner.commitTransaction();
      return counts;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async selectOne(
    sql: string,
    params: unknown[],
  ): Promise<ObjectLiteral | undefined> {
    if (this.sqlite) {
      return this.statement(sql).get(...params) as ObjectLiteral | undefined;
    }
    const rows = await this.dataSource.query<ObjectLiteral[]>(
      ...this.native(sql, params),
    );
    return rows[0];
  }

  /** Forgets what was prepared on a previous connection. */
  private on(connection: SqliteConnection): this {
    if (connection !== this.preparedOn) {
      this.prepared.clear();
      this.preparedOn = connection;
      this.batch = connection.transaction(writes =>
        writes.map(write => this.run(write)),
      );
    }
    return this;
  }

  private statement(sql: string): ReturnType<SqliteConnection['prepare']> {
    const connection = this.sqlite!;
    this.on(connection);
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** `a = ? AND b IS NULL ...`: a null in `where` means IS NULL. */
  private filter(
    metadata: EntityMetadata,
    where: ObjectLiteral,
    offset: number,
  ): string {
    let bound = offset;
    return Object.keys(where)
      .map(property => {
        const column = this.column(metadata, property);
        if (where[property] === null) return `${column} IS NULL`;
        return `${column} = ${this.placeholder(bound++)}`;
      })
      .join(' AND ');
  }

  /** The values a filter binds, in key order (IS NULL binds none). */
  private values(metadata: EntityMetadata, where: ObjectLiteral): unknown[] {
    return Object.keys(where)
      .filter(property => where[property] !== null)
      .map(property => this.value(metadata, property, where));
  }

  /** SQL text built once per statement shape. */
  private text(key: string, build: () => string): string {
    let sql = this.texts.get(key);
    if (sql === undefined) {
      sql = build();
      this.texts.set(key, sql);
    }
    return sql;
  }

  private value(
    metadata: EntityMetadata,
    property: string,
    values: ObjectLiteral,
  ): unknown {
    const column = metadata.findColumnWithPropertyName(property)!;
    const value: unknown = values[property] ?? null;
    if (value === null) return null;
    return this.dataSource.driver.preparePersistentValue(value, column);
  }

  private column(metadata: EntityMetadata, property: string): string {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`No column for ${property}.`);
    return this.dataSource.driver.escape(column.databaseName);
  }

  private table(metadata: EntityMetadata): string {
    return metadata.tablePath
      .split('.')
      .map(part => this.dataSource.driver.escape(part))
      .join('.');
  }

  /** `?` for better-sqlite3; named, then the driver's own, elsewhere. */
  private placeholder(index: number): string {
    return this.sqlite ? '?' : `:p${index}`;
  }

  private native(sql: string, params: unknown[]): [string, unknown[]] {
    const named = Object.fromEntries(
      params.map((value, i) => [`p${i}`, value]),
    );
    return this.dataSource.driver.escapeQueryWithParameters(sql, named);
  }
}
