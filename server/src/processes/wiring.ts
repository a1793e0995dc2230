// Chooses each engine from the configuration: real engines when their URL is set, else embedded.
import path from 'node:path';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../engines/database/database.js';

export function openDatabaseFromConfig(config: Config): Promise<Database> {
  return config.DATABASE_URL === undefined
    ? openDatabase({ kind: 'pglite', dataDirectory: path.resolve(config.LOBBY_DATA_DIR) })
    : openDatabase({ kind: 'postgres', url: config.DATABASE_URL });
}
