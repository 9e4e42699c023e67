import 'reflect-metadata';
import { resolve } from 'node:path';
import { ConfigError } from '../shared/src/config.js';
import { createLogger, wantsPrettyLogs } from '../shared/src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../shared/src/mongo/embedded-mongo.js';
import { resolveMongodBinary } from '../shared/src/mongo/mongod-binary.js';
import { serviceBanner } from '../shared/src/service-main.js';
import { stopOnSignals } from '../shared/src/shutdown.js';
import { loadGamesConfig } from '../games/src/config.js';
import { startGamesApp } from '../games/src/games-app.js';
import { loadRgsConfig } from '../rgs/src/config.js';
import { startRgsApp } from '../rgs/src/rgs-app.js';
import { seedDemoData } from './demo/seed-demo-data.js';

/**
 * `npm start`: the whole system on one machine. One embedded single-node replica set (data kept in
 * DATA_DIR, default .data/mongodb) holds both databases unless GAMES_MONGODB_URI and
 * RGS_MONGODB_URI are set; Games and RGS run in this process with their workers, RGS talks to this
 * Games, demo data is seeded when the databases are empty, and Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const gamesConfig = loadGamesConfig(process.env);
  const rgsConfig = loadRgsConfig(process.env);
  const logger = createLogger({ name: 'demo', level: gamesConfig.logLevel, pretty: wantsPrettyLogs(gamesConfig.nodeEnv) });
  const shutdown = stopOnSignals(logger);

  let embedded: EmbeddedMongo | null = null;
  if (!gamesConfig.mongoUri || !rgsConfig.mongoUri) {
    embedded = await startEmbeddedMongo({
      binary: resolveMongodBinary({ explicit: gamesConfig.embedded.binary, path: gamesConfig.embedded.searchPath }),
      dataDir: resolve(gamesConfig.embedded.dataDir ?? '.data/mongodb'),
      port: gamesConfig.embedded.port,
      logger,
    });
  }
  const games = await startGamesApp(gamesConfig, { mongoUri: gamesConfig.mongoUri ?? embedded!.uri('games'), logger: logger.child({ service: 'games' }) });
  const rgs = await startRgsApp(
    { ...rgsConfig, games: { ...rgsConfig.games, url: games.url } },
    { mongoUri: rgsConfig.mongoUri ?? embedded!.uri('rgs'), logger: logger.child({ service: 'rgs' }) },
  );
  shutdown.stopWith([rgs.stop, games.stop, async () => embedded?.stop()]);

  const seeded = await seedDemoData(games.models, rgs.models, new Date());
  const banner = [...serviceBanner('RGS', rgs.url, rgsConfig, 'RGS_API_TOKEN'), '', ...serviceBanner('Games', games.url, gamesConfig, 'GAMES_API_TOKEN')];
  console.log(`
Game-table cleanup demo is running.${seeded ? `\nSeeded ${seeded.environments} environments, ${seeded.servers} servers, ${seeded.tables} game tables (${seeded.withTraffic} with traffic).` : ''}

${banner.map((line) => `  ${line}`).join('\n')}

Try it: open the RGS GraphiQL, run cleanupPlan for an environment, then startCleanup;
follow the run with cleanupRun(id), and the Games operations in the Games GraphiQL.
A run that would remove more than CLEANUP_MAX_SHARE (${rgsConfig.cleanup.maxShare}) of an environment's
active tables waits as AWAITING_APPROVAL: approveCleanupRun(id) or cancelCleanupRun(id).
Two people: start as operator and approve as approver, each in a GraphiQL tab with its key in the
Headers pane ({"Authorization": "Bearer <key>"}); a run's starter cannot approve it when
ALLOW_SELF_APPROVAL=false (as in production). \`{ me { name roles } }\` says who a key is.
Press Ctrl-C to stop.
`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
