import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import { createAgenda, startAgenda } from '../../shared/src/agenda/agenda.js';
import { scheduleFinishedJobsRetention } from '../../shared/src/agenda/finished-jobs.js';
import { JobsInTransaction } from '../../shared/src/agenda/job-in-transaction.js';
import { serveService } from '../../shared/src/serve-service.js';
import type { Logger } from '../../shared/src/logger.js';
import { GAMES_ACCESS } from './access.js';
import { AbandonedTransactions } from '../../shared/src/mongo/abandoned-transactions.js';
import { connectMongo, ensureCollections, processAppName } from '../../shared/src/mongo/connect.js';
import { logShardKeys, readShardKeys, requireCompatibleSharding } from '../../shared/src/mongo/sharding.js';
import { transactionRunner } from '../../shared/src/mongo/with-transaction.js';
import { stalledJobCheck } from '../../shared/src/agenda/stalled-jobs.js';
import type { GamesConfig } from './config.js';
import type { SchemaPlugin } from './data-access/game-table.model.js';
import { registerGamesModels, type GamesModels } from './data-access/games-models.js';
import { GAMES_SHARDING } from './data-access/games-sharding.js';
import { ArchiveOperationService } from './domain/archive-operation.service.js';
import { CleanupRequestService } from './domain/cleanup-request.service.js';
import { MessageRetentionService } from './domain/message-retention.service.js';
import { OperationQueries } from './domain/operation-queries.js';
import { PurgeArchivedService } from './domain/purge-archived.service.js';
import { RestoreArchivedService } from './domain/restore-archived.service.js';
import { buildGamesSchema } from './entry-points/graphql/schema.js';
import { CLEANUP_GAME_TABLES_JOB, agendaCleanupScheduler, defineCleanupGameTablesWorker } from './entry-points/jobs/cleanup-game-tables.worker.js';
import { scheduleIntegrationMessageRetention } from './entry-points/jobs/integration-message-retention.job.js';
import { PLAYGROUND_TABS } from './entry-points/graphql/example-query.js';
import { gamesLoaders } from './entry-points/graphql/games-loaders.js';
import { createGamesMetrics } from './games-metrics.js';

export interface GamesApp {
  url: string;
  conn: Connection;
  models: GamesModels;
  agenda: Agenda;
  /** Stops HTTP, then Agenda (running jobs drained), then the connection. */
  stop(): Promise<void>;
}

export interface GamesAppOptions {
  mongoUri: string;
  logger: Logger;
  /** Extra GameTable callbacks (tests use one that throws for a chosen id). */
  gameTablePlugins?: SchemaPlugin[];
  /** Run the Agenda workers in this process (default: the config's `runJobs`, RUN_JOBS). */
  workers?: boolean;
}

/** The composition root of Games: wires config, MongoDB, services, jobs and the HTTP API. */
export async function startGamesApp(config: GamesConfig, options: GamesAppOptions): Promise<GamesApp> {
  const logger = options.logger;
  const conn = await connectMongo(options.mongoUri, logger, { appName: processAppName('games') });
  try {
    const shardKeys = await readShardKeys(conn.db!);
    const models = registerGamesModels(conn, { gameTablePlugins: options.gameTablePlugins });
    requireCompatibleSharding(conn, shardKeys, GAMES_SHARDING);
    logShardKeys(logger, shardKeys);
    await ensureCollections(conn);
    const withTransaction = transactionRunner(conn, new AbandonedTransactions(conn.getClient(), { service: 'games', logger }));

    const metrics = createGamesMetrics(models);
    const agenda = await createAgenda({
      db: conn.db!,
      name: `games-${process.pid}`,
      processEveryMs: config.agendaProcessEveryMs,
      defaultLockLifetimeMs: config.jobLockLifetimeMs,
      keepFinishedJobs: config.jobHistory.hours > 0,
      logger,
      metrics: metrics.registry,
    });
    const archiver = new ArchiveOperationService({ models, withTransaction, logger, options: config.cleanup, counters: metrics.counters });
    const cleanupRequests = new CleanupRequestService({
      models,
      withTransaction,
      scheduler: agendaCleanupScheduler(new JobsInTransaction(agenda, conn.db!)),
      archiver,
      logger,
    });
    const retention = new MessageRetentionService({ models, logger, retentionDays: config.messageRetentionDays });

    defineCleanupGameTablesWorker(agenda, { archiver, logger, lockLifetimeMs: config.cleanup.lockLifetimeMs });
    await scheduleIntegrationMessageRetention(agenda, { retention });
    await scheduleFinishedJobsRetention(agenda, conn.db!, config.jobHistory);
    if (options.workers ?? config.runJobs) {
      await startAgenda(agenda);
      await cleanupRequests.requeueReceived();
    }

    const purger = new PurgeArchivedService({ models, withTransaction, logger, counters: metrics.counters });
    const restorer = new RestoreArchivedService({ models, withTransaction, logger });

    const workerJobStalled = stalledJobCheck(conn.db!, { jobNames: [CLEANUP_GAME_TABLES_JOB], dataKey: 'operationId', lockLifetimeMs: config.cleanup.lockLifetimeMs });
    const queries = new OperationQueries(models, workerJobStalled);
    const schema = await buildGamesSchema({ cleanupRequests, queries, purger, restorer });
    const service = await serveService(
      { name: 'games', schema, conn, agenda, logger, accessPolicy: GAMES_ACCESS, playgroundTabs: PLAYGROUND_TABS, metrics: metrics.registry, requestLoaders: gamesLoaders(queries) },
      config,
    );
    return { url: service.url, conn, models, agenda, stop: service.stop };
  } catch (err) {
    await conn.close();
    throw err;
  }
}
