import { createLogger } from '../../../shared/src/logger.js';
import { connectMongo } from '../../../shared/src/mongo/connect.js';
import { registerGamesModels } from '../../../games/src/data-access/games-models.js';
import { createGameTables } from '../../support/game-tables.js';

/** Creates `count` game tables in a Games database before Games itself is started on it. */
export async function createGamesTablesOffline(mongoUri: string, count: number): Promise<string[]> {
  const conn = await connectMongo(mongoUri, createLogger({ name: 'games-seed', level: 'silent' }));
  try {
    return await createGameTables(registerGamesModels(conn).GameTable, count, { currency: 'USD' });
  } finally {
    await conn.close();
  }
}
