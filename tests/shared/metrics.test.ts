import { describe, expect, it } from '@jest/globals';
import { PURGE_ARCHIVED } from '../support/archived-operations.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';
import { metricValue, scrapeMetrics } from '../support/metrics.js';
import { useConnectedServices } from '../rgs/support/rgs-app.js';
import { allSent, startCleanup, waitForRun } from '../rgs/support/runs.js';
import { seedEnvironment, seedServer, seedTables } from '../rgs/support/seed.js';
import { OperationStatus } from '../../games/src/domain/cleanup-action.js';

describe('GET /metrics while a cleanup runs through both services', () => {
  const { games, rgs } = useConnectedServices();

  it('When a cleanup runs and one operation is purged, then the job, run, dispatch, operation, table and GraphQL metrics move with the work', async () => {
    // Arrange: 3 tables to delete and 2 to archive, known to Games
    const boIds = await createGameTables(games.models.GameTable, 5, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, server._id, { noTraffic: 3, traffic: 2 }, { boIds });
    const rgsBefore = (await scrapeMetrics(rgs.url)).text;
    const gamesBefore = (await scrapeMetrics(games.url)).text;

    // Act: the run, then phase 2 of its DELETE operation
    const runId = await startCleanup(rgs, String(environment._id));
    const run = await waitForRun(rgs, runId, allSent);
    const deleteDispatch = run.dispatches.find((d: { actionType: string }) => d.actionType === 'DELETE');
    await eventually(
      () => games.models.AsyncOperation.countDocuments({ status: OperationStatus.DEFERRED, _id: { $in: run.dispatches.map((d: any) => d.gamesOperationId) } }),
      (n) => n === run.dispatches.length,
    );
    const purged = await games.gql(PURGE_ARCHIVED, { operationId: deleteDispatch.gamesOperationId });
    expect(purged.body.errors).toBeUndefined();
    const rgsAfter = await scrapeMetrics(rgs.url);
    const gamesAfter = await scrapeMetrics(games.url);

    // Assert: RGS
    expect(rgsAfter.status).toBe(200);
    const grew = (before: string, after: string, name: string, labels: Record<string, string> = {}) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(grew(rgsBefore, rgsAfter.text, 'agenda_jobs_started_total', { name: 'cleanup-kickoff' })).toBe(1);
    expect(grew(rgsBefore, rgsAfter.text, 'agenda_jobs_succeeded_total', { name: 'cleanup-environment' })).toBeGreaterThanOrEqual(1);
    expect(grew(rgsBefore, rgsAfter.text, 'agenda_job_duration_seconds_count', { name: 'cleanup-kickoff', result: 'success' })).toBe(1);
    expect(metricValue(rgsAfter.text, 'rgs_cleanup_runs', { status: 'COMPLETED' })).toBe(1);
    expect(metricValue(rgsAfter.text, 'rgs_dispatches', { status: 'SENT' })).toBe(2);
    expect(metricValue(rgsAfter.text, 'rgs_dispatches', { status: 'PENDING' })).toBe(0);
    expect(rgsAfter.text).toMatch(/^rgs_oldest_pending_dispatch_age_seconds\{service="rgs"\} 0$/m);
    expect(grew(rgsBefore, rgsAfter.text, 'graphql_request_duration_seconds_count', { operation: 'Start', result: 'ok' })).toBe(1);
    expect(metricValue(rgsAfter.text, 'process_resident_memory_bytes', { service: 'rgs' })).toBeGreaterThan(0);
    // Assert: Games
    expect(gamesAfter.status).toBe(200);
    expect(grew(gamesBefore, gamesAfter.text, 'agenda_jobs_started_total', { name: 'cleanup-game-tables' })).toBe(2);
    expect(grew(gamesBefore, gamesAfter.text, 'games_tables_archived_total')).toBe(5);
    expect(grew(gamesBefore, gamesAfter.text, 'games_tables_purged_total')).toBe(3);
    expect(metricValue(gamesAfter.text, 'games_operations', { status: 'PROCESSED' })).toBe(1);
    expect(metricValue(gamesAfter.text, 'games_operations', { status: 'DEFERRED' })).toBe(1);
    expect(grew(gamesBefore, gamesAfter.text, 'graphql_request_duration_seconds_count', { operation: 'Purge', result: 'ok' })).toBe(1);
    // Each service has its own registry: no RGS series on Games
    expect(gamesAfter.text).not.toContain('rgs_dispatches');
  });
});

describe('GET /metrics with METRICS_TOKEN set', () => {
  const games = useTestGames({ env: { METRICS_TOKEN: 'scraper-token' } });

  it('When a scraper sends no token or the API token, then it gets 401; with METRICS_TOKEN it gets the metrics', async () => {
    // Act
    const anonymous = await scrapeMetrics(games.url);
    const withApiToken = await scrapeMetrics(games.url, 'test-games-token');
    const scraper = await scrapeMetrics(games.url, 'scraper-token');

    // Assert
    expect(anonymous.status).toBe(401);
    expect(withApiToken.status).toBe(401);
    expect(scraper.status).toBe(200);
    expect(scraper.text).toContain('# TYPE games_operations gauge');
  });
});
