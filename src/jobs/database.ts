/** One connection-like handle over PGlite or a Postgres pool: what the jobs code needs of a database. */
export interface Database {
  kind: "pglite" | "postgres";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<T = any>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
