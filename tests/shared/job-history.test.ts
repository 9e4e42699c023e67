import { describe, expect, it } from '@jest/globals';
import { FINISHED_JOBS_RETENTION_JOB } from '../../shared/src/agenda/finished-jobs.js';
import { ARCHIVED_AT, CLEANUP_MUTATION } from '../support/cleanup-mutation.js';
import { eventually } from '../support/eventually.js';
import { createGameTables } from '../support/game-tables.js';
import { useTestGames } from '../support/games-app.js';

const HOUR = 3_600_000;
const DASH = `Basic ${Buffer.from('admin:dash-dev-password').toString('base64')}`;

describe('Agendash shows what ran: finished jobs kept for JOB_HISTORY_HOURS, at most JOB_HISTORY_MAX per name', () => {
  const games = useTestGames({ env: { JOB_HISTORY_MAX: '3' } });
  const agendaJobs = () => games.conn.db!.collection('agendaJobs');

  it('When an operation has been archived, then its worker job stays, finished, and Agendash lists it as completed', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 2);

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids: ids.map(String), actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT, async: true });
    const operationId = res.body.data!.cleanupGameTables.id as string;
    const job = await eventually(() => agendaJobs().findOne({ name: 'cleanup-game-tables', 'data.operationId': operationId, lastFinishedAt: { $ne: null } }), Boolean, { timeoutMs: 20_000 });
    const listed = (await (await fetch(`${games.url}/dash/api?job=cleanup-game-tables&limit=50`, { headers: { authorization: DASH } })).json()) as { jobs: Array<{ job: { _id: string }; completed?: boolean }> };

    // Assert
    expect(job).toMatchObject({ nextRunAt: null, lockedAt: null });
    expect(listed.jobs.map((j) => String(j.job._id))).toContain(String(job!._id));
  });

  it('When the retention runs, then finished jobs past the window go, each name keeps its newest JOB_HISTORY_MAX, and running, due and repeating jobs stay', async () => {
    // Arrange: jobs as Agenda leaves them
    const job = (name: string, fields: Record<string, unknown>) => ({ name, type: 'normal', data: {}, nextRunAt: null, lockedAt: null, lastFinishedAt: null, ...fields });
    const ago = (hours: number) => new Date(Date.now() - hours * HOUR);
    const { insertedIds } = await agendaJobs().insertMany([
      job('history-probe', { lastFinishedAt: ago(25), failReason: 'boom' }), // past the window
      job('history-probe', { lastFinishedAt: ago(5) }), // beyond the 3 newest
      job('history-probe', { lastFinishedAt: ago(4) }),
      job('history-probe', { lastFinishedAt: ago(3) }),
      job('history-probe', { lastFinishedAt: ago(2) }),
      job('history-probe', { lastFinishedAt: ago(30), nextRunAt: new Date() }), // due again
      job('history-probe', { lastFinishedAt: ago(30), lockedAt: new Date() }), // running
      job('repeating-probe', { type: 'single', lastFinishedAt: ago(30) }),
    ]);
    const [pastWindow, beyondCount, ...kept] = Object.values(insertedIds);

    // Act: through Agenda, as the schedule runs it
    await (await games.agenda.now(FINISHED_JOBS_RETENTION_JOB)).run();

    // Assert
    expect(await agendaJobs().countDocuments({ _id: { $in: [pastWindow!, beyondCount!] } })).toBe(0);
    expect(await agendaJobs().countDocuments({ _id: { $in: kept } })).toBe(kept.length);
  });

  it('When Games starts, then the retention repeats', async () => {
    expect(await agendaJobs().countDocuments({ name: FINISHED_JOBS_RETENTION_JOB, type: 'single' })).toBe(1);
  });
});

describe('JOB_HISTORY_HOURS=0', () => {
  const games = useTestGames({ env: { JOB_HISTORY_HOURS: '0' } });

  it('When an operation has been archived, then its worker job is removed at once, as before', async () => {
    // Arrange
    const ids = await createGameTables(games.models.GameTable, 1);

    // Act
    const res = await games.gql(CLEANUP_MUTATION, { ids: ids.map(String), actionType: 'ARCHIVE', archivedAt: ARCHIVED_AT, async: true });
    const operationId = res.body.data!.cleanupGameTables.id as string;
    await eventually(() => games.models.AsyncOperation.findById(operationId).lean(), (op) => op?.status === 'DEFERRED', { timeoutMs: 20_000 });

    // Assert
    await eventually(() => games.conn.db!.collection('agendaJobs').countDocuments({ 'data.operationId': operationId }), (n) => n === 0);
  });
});
