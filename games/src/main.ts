import 'reflect-metadata';
import { runServiceMain } from '../../shared/src/service-main.js';
import { loadGamesConfig } from './config.js';
import { startGamesApp } from './games-app.js';

/** `npm run start:games`: the Games API and its workers, on GAMES_MONGODB_URI or an embedded server. */
runServiceMain(
  { name: 'Games', dbName: 'games', tokenVariable: 'GAMES_API_TOKEN', loadConfig: loadGamesConfig, start: startGamesApp },
  process.env,
);
