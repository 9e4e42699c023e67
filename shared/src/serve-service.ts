import { stopAgenda } from './agenda.js';
import type { ServiceConfig } from './config.js';
import { startGraphqlService, type GraphqlServiceOptions } from './http/graphql-service.js';

export interface RunningService {
  url: string;
  /** Stops HTTP (no new work), then Agenda (running jobs drained), then the MongoDB connection. */
  stop(): Promise<void>;
}

/** What only the service itself knows; the rest comes from its config. */
export type ServiceParts = Omit<GraphqlServiceOptions, 'apiToken' | 'dash' | 'production' | 'metricsToken' | 'exposure' | 'host'>;

/** Serves a service whose MongoDB connection and Agenda are ready, and returns its stop sequence. */
export async function serveService(parts: ServiceParts, config: ServiceConfig): Promise<RunningService> {
  const options = {
    ...parts,
    apiToken: config.apiToken.value,
    dash: config.dash,
    metricsToken: config.metricsToken,
    production: config.nodeEnv === 'production',
    exposure: config.exposure,
    host: config.host,
  };
  const http = await startGraphqlService(options, config.port);
  options.logger.info({ url: `${http.url}/graphql` }, `${options.name} API listening`);
  return {
    url: http.url,
    stop: async () => {
      await http.stop();
      await stopAgenda(options.agenda, options.logger);
      await options.conn.close();
    },
  };
}
