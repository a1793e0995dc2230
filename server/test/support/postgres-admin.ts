// Creating and dropping PostgreSQL databases for tests, through the DATABASE_URL server.
import pg from 'pg';

export function withDatabaseName(url: string, databaseName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${databaseName}`;
  return parsed.toString();
}

/** The per-run template's name, derived from the configured database so parallel runs differ. */
export function templateDatabaseName(url: string): string {
  const base = new URL(url).pathname.replace(/^\//, '') || 'lobby';
  return `${base}_tpl_${process.pid}`;
}

export async function adminQuery(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return result.rows;
  } finally {
    await client.end();
  }
}
