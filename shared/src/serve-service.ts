import { stopAgenda } from './agenda.js';
import { startGraphqlService, type GraphqlServiceOptions } from './http/graphql-service.js';

export interface RunningService {
  url: string;
  /** Stops HTTP (no new work), then Agenda (running jobs drained), then the MongoDB connection. */
  stop(): Promise<void>;
}

/** Serves a service whose MongoDB connection and Agenda are ready, and returns its stop sequence. */
export async function serveService(options: GraphqlServiceOptions, port: number): Promise<RunningService> {
  const http = await startGraphqlService(options, port);
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
