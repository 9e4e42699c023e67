import { baseEnvSchema, ConfigError, parseConfig, type ServiceConfig } from './config.js';
import { refuseUntestedDependencies, UntestedDependencyError } from './dependency-check/refuse-untested-dependencies.js';
import { createLogger, wantsPrettyLogs, type Logger } from './logger.js';
import { resolveMongoTarget } from './mongo/mongo-target.js';
import { IncompatibleShardingError } from './mongo/incompatible-sharding-error.js';
import type { RunningService } from './serve-service.js';
import { stopOnSignals } from './shutdown.js';

/** What a service's `main.ts` says about itself; `runServiceMain` does the rest. */
export interface ServiceMain<C extends ServiceConfig> {
  name: string;
  /** The database of the embedded server when the config has no URI. */
  dbName: string;
  /** The variable that holds the API token, for the banner. */
  tokenVariable: string;
  loadConfig(env: NodeJS.ProcessEnv): C;
  start(config: C, options: { mongoUri: string; logger: Logger }): Promise<RunningService>;
  /** More banner lines, e.g. where RGS finds Games. */
  describe?(config: C): string[];
}

/** The lines that tell a person where a running service is and how to get in. */
export function serviceBanner(name: string, url: string, config: ServiceConfig, tokenVariable: string): string[] {
  const pad = (label: string) => `${name} ${label}`.padEnd(17);
  const dash = config.dash;
  const dashLogin = dash ? `user ${dash.user}${dash.password.isDefault ? `, password ${dash.password.value}` : ''}, or a principal's name and API key` : "a principal's name and API key";
  const token = config.apiToken;
  return [
    `${pad('GraphiQL')}${url}/graphql`,
    `${pad('Agendash')}${url}/dash   (${dashLogin})`,
    `${pad('health')}${url}/health`,
    `${pad('metrics')}${url}/metrics${config.metricsToken ? '   (Bearer METRICS_TOKEN)' : ''}`,
    ...(token ? [`${pad('admin')}${token.isDefault ? `Bearer ${token.value}  (every role; development default; set ${tokenVariable})` : `Bearer from ${tokenVariable} (every role)`}`] : []),
    ...config.developmentPrincipals.map((p) => `${pad(p.name)}Bearer ${p.key}  (${p.roles.join(', ')}; development key)`),
    ...(config.runJobs ? [] : [`${pad('jobs')}not run here (RUN_JOBS=false): queued for this service's worker processes`]),
  ];
}

/**
 * The whole of a service's `main.ts`: config, logger, MongoDB (configured or embedded), the app,
 * shutdown on SIGINT/SIGTERM, and the banner. A bad configuration, a dependency the adapters were
 * not tested with (checked before MongoDB, HTTP or any job), or a sharded deployment the service
 * cannot keep its guarantees on prints its message (no stack) and exits 1.
 */
export function runServiceMain<C extends ServiceConfig>(service: ServiceMain<C>, env: NodeJS.ProcessEnv): void {
  const run = async () => {
    const config = service.loadConfig(env);
    const logger = createLogger({ name: service.name, level: config.logLevel, pretty: wantsPrettyLogs(config.nodeEnv) });
    await refuseUntestedDependencies({ allowUntested: parseConfig(baseEnvSchema, env).ALLOW_UNTESTED_DEPENDENCIES ?? false, logger });
    const shutdown = stopOnSignals(logger);
    const mongo = await resolveMongoTarget(config.mongoUri, service.dbName, config.embedded, logger);
    const app = await service.start(config, { mongoUri: mongo.uri, logger });
    shutdown.stopWith([app.stop, mongo.stop]);
    const lines = [...serviceBanner(service.name, app.url, config, service.tokenVariable), ...(service.describe?.(config) ?? [])];
    console.log(`\n${lines.join('\n')}\n`);
  };
  run().catch((err: unknown) => {
    const explained = err instanceof ConfigError || err instanceof UntestedDependencyError || err instanceof IncompatibleShardingError;
    console.error(explained ? err.message : err);
    process.exit(1);
  });
}
