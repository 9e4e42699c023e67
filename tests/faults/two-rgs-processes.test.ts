import { describe, expect, it } from '@jest/globals';
import { postGraphql } from '../support/graphql-client.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { openRgsModelsOn } from '../rgs/support/rgs-models.js';
import { START_CLEANUP } from '../rgs/support/runs.js';
import { seedEnvironment, seedServer, seedTables } from '../rgs/support/seed.js';

const TOKEN = 'two-rgs-test';

/** An RGS process on `mongoUri`, with its own port; resolves with its URL once it serves. */
async function startRgsProcess(mongoUri: string): Promise<{ process: ServiceProcess; url: string }> {
  const rgs = startServiceProcess('rgs/src/main.js', {
    RGS_MONGODB_URI: mongoUri,
    RGS_PORT: '0',
    RGS_API_TOKEN: TOKEN,
    GAMES_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
    AGENDA_PROCESS_EVERY_MS: '100',
    JOB_LOCK_LIFETIME_MS: '8000',
    CLEANUP_MAX_SHARE: '0.75',
  });
  const banner = await eventually(async () => /RGS GraphiQL\s+(http:\/\/\S+)\/graphql/.exec(rgs.output()), (match) => match !== null, { timeoutMs: 30_000 });
  return { process: rgs, url: banner![1]! };
}

/** Two RGS processes on one database agree on the one active run: MongoDB decides, not either process. */
describe('two RGS processes on one database', () => {
  it('When ten startCleanup calls are spread over both processes, then all return one run; another scope gets CONFLICT from either', async () => {
    // Arrange: an environment whose run waits for approval, so it stays active
    const mongoUri = freshDatabaseUri('rgs');
    const { conn, models } = await openRgsModelsOn(mongoUri);
    const environment = await seedEnvironment(models, ['XXX']);
    await seedTables(models, (await seedServer(models, environment._id))._id, { noTraffic: 3 });
    const other = await seedEnvironment(models, ['XXX']);
    const processes = await Promise.all([startRgsProcess(mongoUri), startRgsProcess(mongoUri)]);
    try {
      // Act
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => postGraphql(processes[i % 2]!.url, START_CLEANUP, { environmentId: String(environment._id) }, TOKEN)),
      );
      const conflicts = await Promise.all(processes.map((p) => postGraphql(p.url, START_CLEANUP, { environmentId: String(other._id) }, TOKEN)));

      // Assert
      expect(responses.map((r) => r.body.errors)).toEqual(Array(10).fill(undefined));
      const ids = new Set(responses.map((r) => r.body.data!.startCleanup.id as string));
      expect(ids.size).toBe(1);
      expect(await models.CleanupRun.countDocuments()).toBe(1);
      for (const res of conflicts) {
        expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
        expect(res.body.errors?.[0]?.message).toContain(`Cleanup run ${[...ids][0]}`);
      }
      const held = await eventually(() => models.CleanupRun.findOne().lean(), (run) => run?.status === 'AWAITING_APPROVAL', { timeoutMs: 20_000 });
      // Nothing deleted: the run wrote no slice (its counts are aggregated from its dispatches).
      expect(await models.Dispatch.countDocuments({ runId: held!._id })).toBe(0);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- processes ---\n${processes.map((p) => p.process.output()).join('\n---\n')}`);
    } finally {
      for (const code of await Promise.all(processes.map((p) => p.process.stop()))) expect(code).toBe(0);
      await conn.close();
    }
  });
});
