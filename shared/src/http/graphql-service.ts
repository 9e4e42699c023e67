import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { Agenda } from 'agenda';
import { createExpressMiddleware as agendash } from 'agendash';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { assertCovers, authorizationPlugin, type AccessPolicy } from '../auth/access-policy.js';
import { Authenticator, type AuthSettings } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { RateLimits } from '../auth/rate-limits.js';
import { createFormatError } from '../format-error.js';
import { rejectBlankIds } from '../graphql/reject-blank-ids.js';
import type { Logger } from '../logger.js';
import { principalOf, requireBearer, requireDashboardLogin } from './authenticate.js';
import { GRAPHIQL_ASSETS_PATH, graphiqlAssets, graphiqlPage, wantsGraphiql, type PlaygroundTab } from './graphiql.js';
import { healthHandler } from './health.js';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.js';
import { authRefusalCounter } from '../metrics/auth-metrics.js';
import { metricsHandler } from '../metrics/metrics-endpoint.js';
import { jsonErrorHandler, notFoundHandler } from './http-errors.js';
import { legacyJsonStatusPlugin } from './legacy-json-status.js';
import { requireJsonBody } from './require-json-body.js';
import { REQUEST_LIMITS, requestLimits } from './request-limits.js';
import { sameOriginWrites } from './same-origin-writes.js';
import { serviceUnavailablePlugin } from './service-unavailable.js';
import { pageCsp, securityHeaders } from './security-headers.js';
import { requestLogFields, runInRequestScope, type RequestScope } from '../request-scope.js';

/** What every resolver gets: who is asking, a logger that carries the request id and the principal, and this request's loaders. */
export interface RequestContext<Loaders = unknown> extends BaseContext {
  requestId: string;
  principal: Principal;
  logger: Logger;
  /** Made fresh for every request (see `requestLoaders`), so batching and caching never outlive it. */
  loaders: Loaders;
}

export interface GraphqlServiceOptions {
  /** Service name, shown in logs, /health and page titles. */
  name: string;
  schema: GraphQLSchema;
  conn: Connection;
  agenda: Agenda;
  logger: Logger;
  /** Who may call: API-key principals, JWTs, the Agendash login, the rate limits. */
  auth: AuthSettings;
  /** Which role each verb needs; checked against the schema at start-up. */
  accessPolicy: AccessPolicy;
  /** The token GraphiQL pre-fills (development only); undefined: a placeholder. */
  playgroundToken: string | undefined;
  /** The service instance's Prometheus registry, served at `GET /metrics`. */
  metrics: Registry;
  /** The bearer token `GET /metrics` requires; undefined: open (see metrics-endpoint.ts). */
  metricsToken: string | undefined;
  /** The saved tabs GraphiQL shows on first visit: the everyday operations. */
  playgroundTabs: readonly PlaygroundTab[];
  /** Makes the per-request DataLoaders of the service's resolvers (`context.loaders`). */
  requestLoaders?: () => unknown;
  /** GraphiQL and introspection (with field suggestions); both off in production by default. */
  exposure: { graphiql: boolean; introspection: boolean };
  /** The address to bind; undefined: every interface. */
  host?: string | undefined;
  /** Express's `trust proxy`, for the protocol and host behind a TLS-terminating proxy; undefined: none. */
  trustProxy?: boolean | number | string | undefined;
}

export interface GraphqlService {
  /** The bound port (useful with port 0 in tests). */
  port: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * The one HTTP bootstrap both services use: Apollo Server on express at `/graphql`, GraphiQL served
 * from node_modules on `GET /graphql` in a browser, `GET /health`, `GET /metrics` (Prometheus), and
 * Agendash at `/dash`. Authentication, rate limits and authorization all happen here, before any
 * resolver or Agendash route runs: a principal per request (API key or JWT; Agendash's basic login),
 * and the role each verb needs from the service's access policy.
 */
export async function startGraphqlService(options: GraphqlServiceOptions, port: number): Promise<GraphqlService> {
  assertCovers(options.accessPolicy, options.schema);
  const limits = new RateLimits(options.conn.db!, options.auth.limits);
  await limits.init();
  const countRefusal = authRefusalCounter(options.metrics);
  const gate = { authenticator: new Authenticator(options.auth, options.logger), limits, logger: options.logger, countRefusal };
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  app.use(securityHeaders());
  const httpServer = http.createServer(app);

  // Field suggestions reveal the schema as introspection does: they go together.
  const requestLimitRules = requestLimits({ blockFieldSuggestions: !options.exposure.introspection });
  const apollo = new ApolloServer<RequestContext>({
    schema: rejectBlankIds(options.schema),
    formatError: createFormatError(options.logger),
    // Stack traces go to the log, never into a response.
    includeStacktraceInErrorResponses: false,
    // GraphQL-over-HTTP: GET serves queries only (Apollo refuses mutations over GET with 405).
    // CSRF: a browser can only send an Authorization header after a CORS preflight, and every
    // request needs a bearer credential, so the header itself is the required non-simple header.
    csrfPrevention: { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    introspection: options.exposure.introspection,
    validationRules: requestLimitRules.validationRules,
    parseOptions: requestLimitRules.parseOptions,
    // Shutdown is ours (shared/src/shutdown.ts): Apollo's own handler would re-raise the signal
    // and kill the process before Agenda and MongoDB are stopped.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      graphqlMetricsPlugin(options.metrics),
      legacyJsonStatusPlugin(),
      serviceUnavailablePlugin(),
      authorizationPlugin(options.accessPolicy, () => countRefusal('forbidden', 'api')),
      ...requestLimitRules.plugins,
    ],
  });
  await apollo.start();

  app.get('/health', healthHandler(options.name, options.conn, options.agenda, options.logger));
  app.get('/metrics', metricsHandler(options.metrics, options.metricsToken));
  app.use('/dash', requireDashboardLogin(gate, `${options.name} Agendash`), sameOriginWrites(), agendash(options.agenda));
  if (options.exposure.graphiql) app.use(GRAPHIQL_ASSETS_PATH, graphiqlAssets());

  const page = graphiqlPage({
    title: `${options.name} GraphiQL`,
    endpoint: '/graphql',
    defaultHeaders: { Authorization: `Bearer ${options.playgroundToken ?? '<API key or JWT>'}` },
    tabs: options.playgroundTabs,
    storageNamespace: `${options.name}-graphiql-v2`,
  });
  const csp = pageCsp(page);
  app.use(
    '/graphql',
    (req, res, next) => (options.exposure.graphiql && wantsGraphiql(req) ? res.set('Content-Security-Policy', csp).type('html').send(page) : next()),
    requireBearer(gate, options.name),
    (req, res, next) => runInRequestScope({ requestId: req.get('x-request-id') ?? randomUUID(), principal: principalOf(res).name }, next),
    requireJsonBody(),
    express.json({ limit: REQUEST_LIMITS.bodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        // The request's scope puts requestId and principal on every log line (the logger's mixin).
        const { requestId } = requestLogFields() as RequestScope;
        return { requestId, principal: principalOf(res), logger: options.logger, loaders: options.requestLoaders?.() };
      },
    }),
  );
  app.use(notFoundHandler, jsonErrorHandler(options.logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, options.host, resolve);
  });
  const bound = (httpServer.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://localhost:${bound}`,
    // Apollo's drain plugin closes the HTTP server and waits for in-flight requests.
    stop: () => apollo.stop(),
  };
}
