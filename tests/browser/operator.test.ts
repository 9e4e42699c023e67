/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { metricValue, scrapeMetrics } from '../support/metrics.js';
import { useConnectedServices } from '../rgs/support/rgs-app.js';
import { startCleanup, waitForRun, allSent } from '../rgs/support/runs.js';
import { seedEnvironment, seedServer, seedTables } from '../rgs/support/seed.js';
import { openPage, screenshot, useBrowser } from './support/browser.js';
import { GraphiqlPage } from './support/graphiql.js';

/** Agendash's basic auth in development and tests (DASH_USER / DASH_PASSWORD defaults). */
const DASH_LOGIN = { username: 'admin', password: 'dash-dev-password' };
/** RGS's development principal `operator` (viewer + operator): it may look at Agendash, not change it. */
const VIEWER_LOGIN = { username: 'operator', password: 'rgs-operator-dev-key' };

describe('an operator in a browser', () => {
  // Agendash refreshes 500 ms after the last job event; the tests' usual 200 ms outbox poll would
  // postpone that forever. Dispatches are also triggered after each slice, so 5 s loses nothing.
  const { games, rgs } = useConnectedServices({ DISPATCH_INTERVAL_MS: '5000' });
  const chromium = useBrowser();

  /** A fresh environment with one server: 3 tables to delete, 2 to archive, all known to Games. */
  async function seedCleanup() {
    const boIds = await createGameTables(games.models.GameTable, 5, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['EUR']);
    const server = await seedServer(rgs.models, environment._id);
    await seedTables(rgs.models, server._id, { kept: 1, noTraffic: 3, traffic: 2 }, { boIds });
    return { environmentId: String(environment._id), name: environment.name };
  }

  it('When a query is typed over a saved tab in the RGS GraphiQL, then it runs by Ctrl-Enter and by the Run button (no stale operation name)', async () => {
    // Arrange
    const { name } = await seedCleanup();
    const { context, page, pageErrors } = await openPage(chromium.browser());
    const graphiql = new GraphiqlPage(page);
    await graphiql.open(rgs.url);

    // Act: the first tab holds the named Environments operation; replace it by typing
    const tabs = await graphiql.tabTitles();
    await graphiql.typeQuery('{ environments { id name } }');
    const byKeyboard = await graphiql.run('keyboard');
    await graphiql.typeQuery('query Names { environments { name } }');
    const byButton = await graphiql.run('button');
    await screenshot(page, 'rgs-graphiql-typed');

    // Assert
    expect(tabs).toEqual(['Environments', 'Plan', 'StartCleanup', 'Run', 'RecentRuns', 'Approve', 'Cancel', 'RetryDispatch']);
    expect(byKeyboard.errors).toBeUndefined();
    expect(byKeyboard.data.environments.map((e: { name: string }) => e.name)).toContain(name);
    expect(byButton.errors).toBeUndefined();
    expect(byButton.data.environments).toContainEqual({ name });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('When the operator starts a cleanup from the saved tabs and follows it, then the Run tab shows it COMPLETED and /metrics counted it', async () => {
    // Arrange
    const { environmentId } = await seedCleanup();
    const metricsBefore = await scrapeMetrics(rgs.url);
    const { context, page, pageErrors } = await openPage(chromium.browser());
    const graphiql = new GraphiqlPage(page);
    await graphiql.open(rgs.url);

    // Act: the Plan tab, then StartCleanup, then Run until the outbox has sent everything
    await graphiql.selectTab('Plan');
    await graphiql.setVariables({ environmentId, serverId: null });
    const plan = await graphiql.run('button');
    await graphiql.selectTab('StartCleanup');
    await graphiql.setVariables({ environmentId });
    const started = await graphiql.run('keyboard');
    const runId = started.data.startCleanup.id as string;
    await graphiql.selectTab('Run');
    await graphiql.setVariables({ id: runId });
    const followed = await eventually(
      () => graphiql.run('button'),
      (res) => res.data?.cleanupRun?.status === 'COMPLETED' && res.data.cleanupRun.dispatches.every((d: { status: string }) => d.status === 'SENT'),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await screenshot(page, 'rgs-graphiql-run');
    const metricsAfter = await scrapeMetrics(rgs.url);
    await page.goto(`${rgs.url}/metrics`);
    await screenshot(page, 'rgs-metrics');

    // Assert
    expect(plan.data.cleanupPlan).toMatchObject({ toDeleteCount: 3, toArchiveCount: 2 });
    expect(started.data.startCleanup).toMatchObject({ status: 'QUEUED', environmentId });
    expect(followed.data.cleanupRun).toMatchObject({ deletedCount: 3, archivedCount: 2, errors: [] });
    const grew = (name: string, labels: Record<string, string>) => metricValue(metricsAfter.text, name, labels) - metricValue(metricsBefore.text, name, labels);
    expect(grew('agenda_jobs_started_total', { name: 'cleanup-kickoff' })).toBe(1);
    expect(grew('agenda_jobs_succeeded_total', { name: 'cleanup-environment' })).toBeGreaterThanOrEqual(1);
    expect(grew('rgs_cleanup_runs', { status: 'COMPLETED' })).toBe(1);
    expect(grew('graphql_request_duration_seconds_count', { operation: 'StartCleanup', result: 'ok' })).toBe(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('When the operator uses the Games GraphiQL, then a typed query runs and the WaitingForPhase2 tab lists the DELETE operation of a run', async () => {
    // Arrange: a finished run, so Games has a DEFERRED DELETE operation
    const { environmentId } = await seedCleanup();
    const run = await waitForRun(rgs, await startCleanup(rgs, environmentId), allSent);
    const deleteOperationId = run.dispatches.find((d: { actionType: string }) => d.actionType === 'DELETE').gamesOperationId as string;
    await eventually(() => games.models.AsyncOperation.findById(deleteOperationId).lean(), (op) => op?.status === 'DEFERRED');
    const { context, page, pageErrors } = await openPage(chromium.browser());
    const graphiql = new GraphiqlPage(page);
    await graphiql.open(games.url);

    // Act
    const tabs = await graphiql.tabTitles();
    await graphiql.addTab();
    await graphiql.typeQuery('{ operation(id: "' + deleteOperationId + '") { id status requestedCount } }');
    const typed = await graphiql.run('keyboard');
    await graphiql.selectTab('WaitingForPhase2');
    const waiting = await graphiql.run('button');
    await screenshot(page, 'games-graphiql-phase2');

    // Assert
    expect(tabs).toEqual(['WaitingForPhase2', 'Operation', 'VerifyTable', 'Restore', 'Purge', 'ActiveTables', 'CleanupGameTables']);
    expect(typed.data.operation).toEqual({ id: deleteOperationId, status: 'DEFERRED', requestedCount: 3 });
    expect(waiting.data.operations.map((op: { id: string }) => op.id)).toContain(deleteOperationId);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('When a cleanup runs while Agendash is open, then its event stream reports the jobs and the page reloads its list by itself', async () => {
    // Arrange
    const { environmentId } = await seedCleanup();
    const { context, page, pageErrors } = await openPage(chromium.browser(), { httpCredentials: DASH_LOGIN });
    await page.goto(`${rgs.url}/dash`);
    await page.getByText('dispatch-to-games').first().waitFor();
    // The page's own stream is in use; a second subscriber in the page records what the stream says.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenEvents: string[] }).seenEvents = seen;
      new EventSource('api/events').onmessage = (event) => seen.push(String(event.data));
    });
    // The page reloads its job list (GET /dash/api) by itself after job events; no navigation here.
    const startedAt = Date.now();
    const listReloaded = page.waitForResponse(
      (res) => new URL(res.url()).pathname === '/dash/api' && res.status() === 200 && Date.now() > startedAt,
      { timeout: 20_000 },
    );

    // Act
    await startCleanup(rgs, environmentId);

    // Assert: the stream carried the kickoff and chain jobs and an end of one, and the page shows the cleanup jobs without navigation
    const events = await eventually(
      () => page.evaluate(() => (window as unknown as { seenEvents: string[] }).seenEvents),
      (seen) => seen.some((e) => e.includes('cleanup-kickoff')) && seen.some((e) => e.includes('cleanup-environment')) && seen.some((e) => e.includes('"type":"success"')),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    // Succeeded one-off jobs are removed (housekeeping), so the list is checked for the reload, not for them.
    await listReloaded;
    await screenshot(page, 'rgs-agendash-live');
    expect(events.some((e) => e.includes('"type":"success"'))).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('When a principal without jobs-admin opens Agendash, then it sees the jobs, and the page’s own delete request is refused with 403 and changes nothing', async () => {
    // Arrange
    const { context, page, pageErrors } = await openPage(chromium.browser(), { httpCredentials: VIEWER_LOGIN });
    await page.goto(`${rgs.url}/dash`);
    await page.getByText('dispatch-to-games').first().waitFor();
    const job = await rgs.models.CleanupRun.db.collection('agendaJobs').findOne({ name: 'dispatch-to-games' });
    const before = await rgs.models.CleanupRun.db.collection('agendaJobs').countDocuments();

    // Act: the request Agendash's Delete button sends, from the page itself (same origin, its login)
    const answer = await page.evaluate(async (jobId) => {
      const res = await fetch('api/jobs/delete', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jobIds: [jobId] }) });
      return { status: res.status, body: await res.text() };
    }, String(job!._id));

    // Assert
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: expect.stringContaining('needs the role "jobs-admin"'), extensions: { code: 'FORBIDDEN' } }] });
    expect(await rgs.models.CleanupRun.db.collection('agendaJobs').countDocuments()).toBe(before);
    await screenshot(page, 'rgs-agendash-viewer');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
