import 'reflect-metadata';
import { ConfigError } from '../../shared/src/config.js';
import { createLogger } from '../../shared/src/logger.js';
import { resolveMongoTarget } from '../../shared/src/mongo/mongo-target.js';
import { stopOnSignals } from '../../shared/src/shutdown.js';
import { loadRgsConfig } from './config.js';
import { startRgsApp } from './rgs-app.js';

/** `npm run start:rgs`: the RGS API and its jobs, on RGS_MONGODB_URI or an embedded server. */
async function main(): Promise<void> {
  const config = loadRgsConfig(process.env);
  const logger = createLogger({ name: 'rgs', level: config.logLevel });
  const mongo = await resolveMongoTarget(config.mongoUri, 'rgs', config.embedded, logger);
  const app = await startRgsApp(config, { mongoUri: mongo.uri, logger });
  stopOnSignals([app.stop, mongo.stop], logger);

  const lines = [
    `RGS GraphiQL    ${app.url}/graphql`,
    `RGS Agendash    ${app.url}/dash   (user ${config.dash.user}${config.dash.password.isDefault ? `, password ${config.dash.password.value}` : ''})`,
    `RGS health      ${app.url}/health`,
    config.apiToken.isDefault ? `API token       ${config.apiToken.value}  (development default; set RGS_API_TOKEN)` : 'API token       from RGS_API_TOKEN',
    `Games           ${config.games.url}  (cleanup cron: ${config.cleanup.cron ?? 'off'}, zone ${config.cleanup.timeZone})`,
  ];
  console.log(`\n${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
