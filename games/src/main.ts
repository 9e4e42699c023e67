import 'reflect-metadata';
import { ConfigError } from '../../shared/src/config.js';
import { createLogger } from '../../shared/src/logger.js';
import { resolveMongoTarget } from '../../shared/src/mongo/mongo-target.js';
import { stopOnSignals } from '../../shared/src/shutdown.js';
import { loadGamesConfig } from './config.js';
import { startGamesApp } from './games-app.js';

/** `npm run start:games`: the Games API and its workers, on GAMES_MONGODB_URI or an embedded server. */
async function main(): Promise<void> {
  const config = loadGamesConfig(process.env);
  const logger = createLogger({ name: 'games', level: config.logLevel });
  const mongo = await resolveMongoTarget(config.mongoUri, 'games', config.embedded, logger);
  const app = await startGamesApp(config, { mongoUri: mongo.uri, logger });
  stopOnSignals([app.stop, mongo.stop], logger);

  const lines = [
    `Games GraphiQL  ${app.url}/graphql`,
    `Games Agendash  ${app.url}/dash   (user ${config.dash.user}${config.dash.password.isDefault ? `, password ${config.dash.password.value}` : ''})`,
    `Games health    ${app.url}/health`,
    config.apiToken.isDefault ? `API token       ${config.apiToken.value}  (development default; set GAMES_API_TOKEN)` : 'API token       from GAMES_API_TOKEN',
  ];
  console.log(`\n${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
