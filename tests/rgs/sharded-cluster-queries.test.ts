import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { allSent, startCleanup, waitForRun } from './support/runs.js';
import { seedEnvironment, seedServer, seedTables } from './support/seed.js';

/**
 * The commands MongoDB runs on a sharded collection inside a multi-document transaction. Refused
 * there, among others: `distinct` (error 263, OperationNotSupportedInTransaction), `count`, and
 * aggregations writing or joining (`$out`, `$merge`, `$lookup`, `$graphLookup`).
 */
const LEGAL_IN_SHARDED_TRANSACTIONS = new Set(['find', 'getMore', 'aggregate', 'insert', 'update', 'delete', 'findAndModify', 'bulkWrite']);
const REFUSED_STAGES = ['$out', '$merge', '$lookup', '$graphLookup'];

interface ProfiledCommand {
  command: Record<string, unknown> & { autocommit?: boolean; pipeline?: Array<Record<string, unknown>> };
}

/**
 * The test replica set is not sharded, so what a sharded cluster would refuse is read from mongod's
 * profiler: every command of the RGS database that ran inside a transaction (`autocommit: false`).
 */
describe('the queries of a run on a sharded cluster', () => {
  let rgs: TestRgs;
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient() });
  });
  afterAll(async () => {
    await rgs.conn.db!.command({ profile: 0 });
    await rgs.stop();
  });

  describe('when a run deletes and archives tables', () => {
    it('Then every command inside its slice transactions is one MongoDB runs on a sharded collection in a transaction', async () => {
      // Arrange: tables with and without traffic, so both slice kinds (and the traffic re-check) run
      const environment = await seedEnvironment(rgs.models, ['EUR']);
      const server = await seedServer(rgs.models, environment._id);
      await seedTables(rgs.models, server._id, { kept: 1, noTraffic: 3, traffic: 2 });
      await rgs.conn.db!.command({ profile: 2 });

      // Act
      const runId = await startCleanup(rgs, String(environment._id));
      const run = await waitForRun(rgs, runId, allSent);

      // Assert: the run did its work inside transactions
      expect(run).toMatchObject({ status: 'COMPLETED', deletedCount: 3, archivedCount: 2 });
      const inTransactions = await rgs.conn.db!.collection<ProfiledCommand>('system.profile').find({ 'command.autocommit': false }).toArray();
      const names = inTransactions.map((entry) => Object.keys(entry.command)[0]!);
      expect(names).toContain('aggregate');
      // Assert: nothing a sharded cluster refuses
      expect(names.filter((name) => !LEGAL_IN_SHARDED_TRANSACTIONS.has(name))).toEqual([]);
      const stages = inTransactions.flatMap((entry) => (entry.command.pipeline ?? []).map((stage) => Object.keys(stage)[0]!));
      expect(stages.filter((stage) => REFUSED_STAGES.includes(stage))).toEqual([]);
    });
  });
});
