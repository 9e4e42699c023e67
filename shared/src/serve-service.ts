import { handOverJobs, stopTakingJobs } from './agenda/agenda.js';
import type { ServiceConfig } from './config.js';
import { startGraphqlService, type GraphqlServiceOptions } from './http/graphql-service.js';

export interface RunningService {
  url: string;
  /**
   * Takes no new job, stops HTTP (no new work), drains Agenda and hands unfinished jobs over, then
   * closes the MongoDB connection.
   */
  stop(): Promise<void>;
}

/** What only the service itself knows; the rest comes from its config. */
export type ServiceParts = Omit<GraphqlServiceOptions, 'auth' | 'playgroundToken' | 'metricsToken' | 'exposure' | 'host' | 'trustProxy'>;

/** Serves a service whose MongoDB connection and Agenda are ready, and returns its stop sequence. */
export async function serveService(parts: ServiceParts, config: ServiceConfig): Promise<RunningService> {
  const options = {
    ...parts,
    auth: config.auth,
    // Production pre-fills no credential in GraphiQL.
    playgroundToken: config.nodeEnv === 'production' ? undefined : config.apiToken?.value,
    metricsToken: config.metricsToken,
    exposure: config.exposure,
    host: config.host,
    trustProxy: config.trustProxy,
  };
  const http = await startGraphqlService(options, config.port);
  options.logger.info({ url: `${http.url}/graphql` }, `${options.name} API listening`);
  return {
    url: http.url,
    stop: async () => {
      // Jobs first: no job may start while HTTP drains its requests.
      const taken = stopTakingJobs(options.agenda);
      await http.stop();
      await handOverJobs(options.agenda, taken, options.logger, config.shutdownDrainMs);
      await options.conn.close();
    },
  };
}
