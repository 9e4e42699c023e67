import 'reflect-metadata';
import { runServiceMain } from '../../shared/src/service-main.js';
import { loadRgsConfig } from './config.js';
import { startRgsApp } from './rgs-app.js';

/** `npm run start:rgs`: the RGS API and its jobs, on RGS_MONGODB_URI or an embedded server. */
runServiceMain(
  {
    name: 'RGS',
    dbName: 'rgs',
    tokenVariable: 'RGS_API_TOKEN',
    loadConfig: loadRgsConfig,
    start: startRgsApp,
    describe: (config) => [
      `RGS Games       ${config.games.url}  (cleanup cron: ${config.cleanup.cron ?? 'off'}, zone ${config.cleanup.timeZone})`,
    ],
  },
  process.env,
);
