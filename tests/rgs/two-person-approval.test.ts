import { describe, expect, it } from '@jest/globals';
import { CLEANUP_KICKOFF_JOB } from '../../rgs/src/entry-points/jobs/cleanup-kickoff.job.js';
import { capturedLogger } from '../support/captured-logs.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';
import { postGraphql } from '../support/graphql-client.js';
import { useStarted } from '../support/use-started.js';
import { apiKeys, principal } from '../shared/auth/principals.js';
import { startTestRgs } from './support/rgs-app.js';
import { CLEANUP_RUN, isAwaitingApproval } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

const olivia = principal('olivia', ['viewer', 'operator']);
const arthur = principal('arthur', ['viewer', 'approver']);
/** Holds both roles: may start and approve, but not approve what it rgs. */
const both = principal('both', ['viewer', 'operator', 'approver']);
const rgsOnGames = principal('rgs', ['cleanup', 'viewer']);
const pia = principal('pia', ['viewer', 'purger']);

const AUDIT = 'id status startedBy createdAt approvedBy approvedAt cancelledBy cancelledAt dispatches { id status gamesOperationId actionType retriedBy retriedAt }';
describe('two-person approval and an audit trail that names people, through both APIs', () => {
  const logs = capturedLogger();
  const games = useTestGames({ env: { GAMES_API_KEYS: apiKeys([rgsOnGames, pia]) } });
  const rgs = useStarted(() =>
    startTestRgs({
      logger: logs.logger,
      env: { RGS_API_KEYS: apiKeys([olivia, arthur, both]), ALLOW_SELF_APPROVAL: 'false', CLEANUP_MAX_SHARE: '0.5', GAMES_URL: games.url, GAMES_API_TOKEN: rgsOnGames.key },
    }),
  );
  const start = (key: string) => postGraphql(rgs.url, `mutation { startCleanup { ${AUDIT} } }`, {}, key);
  const approve = (id: string, key: string) => postGraphql(rgs.url, `mutation($id: ID!) { approveCleanupRun(id: $id) { ${AUDIT} } }`, { id }, key);
  const runOf = async (id: string) => (await postGraphql(rgs.url, `query($id: ID!) { cleanupRun(id: $id) { ${AUDIT} } }`, { id }, olivia.key)).body.data!.cleanupRun;

  it('When olivia starts a run over the limit, then she cannot approve it, arthur can, and every step names its principal down to Games', async () => {
    // Arrange: one environment whose every table is a candidate (share 1 > 0.5)
    const boIds = await createGameTables(games.models.GameTable, 20, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['XXX']);
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { noTraffic: 10, traffic: 10 }, { boIds });

    // Act: olivia starts it; it waits for approval
    const runId = (await start(olivia.key)).body.data!.startCleanup.id as string;
    await eventually(() => runOf(runId), isAwaitingApproval);
    const before = await rgs.models.CleanupRun.findById(runId).lean();

    // Act: olivia approves her own run
    const selfApproval = await approve(runId, olivia.key);

    // Assert: refused before anything changed (she lacks the role)
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.errors?.[0]?.message).toMatch(/approveCleanupRun needs the role "approver"/);
    expect(await rgs.models.CleanupRun.findById(runId).lean()).toEqual(before);

    // Act: arthur approves
    const approved = await approve(runId, arthur.key);
    const run = await eventually(
      () => runOf(runId),
      (r) => r.status === 'COMPLETED' && r.dispatches.length === 2 && r.dispatches.every((d: { status: string }) => d.status === 'SENT'),
      { timeoutMs: 30_000 },
    );

    // Assert: the run shows both people
    expect(approved.status).toBe(200);
    expect(run).toMatchObject({ startedBy: 'olivia', approvedBy: 'arthur', cancelledBy: null });
    expect(new Date(run.approvedAt).getTime()).toBeGreaterThanOrEqual(new Date(run.createdAt).getTime());
    // Assert: the log lines of each request carry the principal that made it
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'cleanup run queued', principal: 'olivia', startedBy: 'olivia', runId }));
    expect(logs.lines).toContainEqual(expect.objectContaining({ msg: 'cleanup run approved', principal: 'arthur', by: 'arthur', startedBy: 'olivia', runId }));
    // Assert: Games recorded RGS's principal on each operation; purge and restore name theirs
    const operationIds = run.dispatches.map((d: { gamesOperationId: string }) => d.gamesOperationId);
    const operations = await eventually(
      () => games.models.AsyncOperation.find({ _id: { $in: operationIds } }).lean(),
      (ops) => ops.length === 2 && ops.every((op) => op.status === 'DEFERRED'),
      { timeoutMs: 30_000 },
    );
    expect(operations.map((op) => op.requestedBy)).toEqual(['rgs', 'rgs']);
    const deleteOp = operations.find((op) => op.actionType === 'DELETE')!;
    const archiveOp = operations.find((op) => op.actionType === 'ARCHIVE')!;
    const purged = await postGraphql(games.url, 'mutation($id: ID!) { purgeArchived(operationId: $id) { operation { id status } } }', { id: String(deleteOp._id) }, pia.key);
    const restored = await postGraphql(games.url, 'mutation($id: ID!) { restoreArchived(operationId: $id) { id restoredBy restoredAt } }', { id: String(archiveOp._id) }, pia.key);
    const audit = await postGraphql(games.url, 'query($id: ID!) { operation(id: $id) { status requestedBy purgedBy purgedAt } }', { id: String(deleteOp._id) }, pia.key);
    expect(purged.body.data?.purgeArchived.operation.status).toBe('PROCESSED');
    expect(audit.body.data?.operation).toMatchObject({ status: 'PROCESSED', requestedBy: 'rgs', purgedBy: 'pia' });
    expect(restored.body.data?.restoreArchived).toMatchObject({ restoredBy: 'pia', restoredAt: expect.any(String) });
  });

  it('When a principal holding both roles approves the run it started, then it is FORBIDDEN and nothing changes; another approver may', async () => {
    // Arrange
    const boIds = await createGameTables(games.models.GameTable, 4, { currency: 'USD' });
    const environment = await seedEnvironment(rgs.models, ['XXX']);
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { noTraffic: 4, traffic: 0 }, { boIds });
    const runId = (await postGraphql(rgs.url, 'mutation($e: ID) { startCleanup(environmentId: $e) { id } }', { e: String(environment._id) }, both.key)).body.data!.startCleanup.id as string;
    await eventually(() => runOf(runId), isAwaitingApproval);
    const before = await rgs.models.CleanupRun.findById(runId).lean();

    // Act
    const self = await approve(runId, both.key);

    // Assert
    expect(self.status).toBe(403);
    expect(self.body.errors).toEqual([
      expect.objectContaining({ message: `Cleanup run ${runId} was started by both: a run is approved by someone other than the one who started it`, extensions: { code: 'FORBIDDEN' } }),
    ]);
    expect(await rgs.models.CleanupRun.findById(runId).lean()).toEqual(before);
    expect((await approve(runId, arthur.key)).body.data?.approveCleanupRun.approvedBy).toBe('arthur');
    await eventually(() => runOf(runId), (r) => r.status === 'COMPLETED', { timeoutMs: 30_000 });
  });

  it('When olivia cancels a run and sends a failed dispatch again, then both record her', async () => {
    // Arrange: a run waiting for approval, and a dispatch that failed
    const environment = await seedEnvironment(rgs.models, ['XXX']);
    await seedTables(rgs.models, (await seedServer(rgs.models, environment._id))._id, { noTraffic: 3, traffic: 0 });
    const runId = (await postGraphql(rgs.url, 'mutation($e: ID) { startCleanup(environmentId: $e) { id } }', { e: String(environment._id) }, olivia.key)).body.data!.startCleanup.id as string;
    await eventually(() => runOf(runId), isAwaitingApproval);
    const failed = await rgs.models.Dispatch.findOneAndUpdate({}, { $set: { status: 'FAILED', lastError: 'test' } }, { sort: { _id: 1 }, returnDocument: 'after' }).lean();

    // Act
    const cancelled = await postGraphql(rgs.url, `mutation($id: ID!) { cancelCleanupRun(id: $id) { ${AUDIT} } }`, { id: runId }, olivia.key);
    const retried = await postGraphql(rgs.url, 'mutation($id: ID!) { retryDispatch(id: $id) { retriedBy retriedAt } }', { id: String(failed!._id) }, olivia.key);

    // Assert
    expect(cancelled.body.data?.cancelCleanupRun).toMatchObject({ status: 'CANCELLED', cancelledBy: 'olivia', cancelledAt: expect.any(String) });
    expect(retried.body.data?.retryDispatch).toEqual({ retriedBy: 'olivia', retriedAt: expect.any(String) });
  });

  it('When the cron starts a run, then it is attributed to schedule', async () => {
    // Act
    await rgs.agenda.now(CLEANUP_KICKOFF_JOB, { scheduled: true });
    const run = await eventually(() => rgs.models.CleanupRun.findOne({ startedBy: 'schedule' }).lean(), (r) => r !== null, { timeoutMs: 20_000 });

    // Assert
    expect(run!.startedBy).toBe('schedule');
    expect((await postGraphql(rgs.url, CLEANUP_RUN.replace('startedAt', 'startedAt startedBy'), { id: String(run!._id) }, olivia.key)).body.data?.cleanupRun.startedBy).toBe('schedule');
  });
});
