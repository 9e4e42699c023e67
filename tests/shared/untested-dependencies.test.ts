import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { doctoredTree, installedAs, type DoctoredTree } from '../support/doctored-node-modules.js';
import { eventually } from '../support/eventually.js';
import { freshDatabaseUri } from '../support/mongo.js';
import { startServiceProcess } from '../support/service-process.js';

/** What each service needs to get past its config; no MongoDB is reached before the check. */
const SERVICES: Array<{ entry: string; env: Record<string, string> }> = [
  { entry: 'games/src/main.js', env: { GAMES_MONGODB_URI: 'mongodb://127.0.0.1:9/unreached', GAMES_PORT: '0', GAMES_API_TOKEN: 'untested-dependencies' } },
  { entry: 'rgs/src/main.js', env: { RGS_MONGODB_URI: 'mongodb://127.0.0.1:9/unreached', RGS_PORT: '0', RGS_API_TOKEN: 'untested-dependencies', GAMES_URL: 'http://127.0.0.1:9' } },
];

async function exitOf(tree: DoctoredTree, entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const service = startServiceProcess(tree.entry(entry), { LOG_LEVEL: 'warn', ...env }, tree.nodeArgs);
  const [code] = (await once(service.child, 'exit')) as [number | null];
  return { code, output: service.output() };
}

describe('when the installed agenda is not the version the adapters were tested with', () => {
  let tree: DoctoredTree;
  beforeAll(() => {
    tree = doctoredTree('agenda', [installedAs('6.2.7')]);
  });
  afterAll(() => tree.remove());

  it.each(SERVICES)('then $entry refuses to start with exit code 1 and one line naming agenda and both versions', async ({ entry, env }) => {
    // Act
    const { code, output } = await exitOf(tree, entry, env);

    // Assert
    expect(code).toBe(1);
    const refusals = output.split('\n').filter((line) => line.startsWith('refusing to start: '));
    expect(refusals).toEqual([expect.stringContaining('agenda 6.2.7 is installed, shared/src/agenda/ was tested with 6.2.6')]);
  });

  it('When ALLOW_UNTESTED_DEPENDENCIES=true, then Games warns and starts', async () => {
    // Act
    const games = startServiceProcess(
      tree.entry('games/src/main.js'),
      { ...SERVICES[0]!.env, GAMES_MONGODB_URI: freshDatabaseUri('untested_allowed'), LOG_LEVEL: 'warn', ALLOW_UNTESTED_DEPENDENCIES: 'true' },
      tree.nodeArgs,
    );

    // Assert
    try {
      await eventually(async () => games.output(), (output) => output.includes('Games GraphiQL'), { timeoutMs: 30_000 });
      expect(games.output()).toContain('untested dependency, starting anyway (ALLOW_UNTESTED_DEPENDENCIES=true): agenda 6.2.7 is installed');
    } finally {
      await games.stop();
    }
  });
});

describe("when the installed agenda renamed a JobProcessor method the adapter wraps", () => {
  let tree: DoctoredTree;
  beforeAll(() => {
    tree = doctoredTree('agenda', [{ file: 'dist/JobProcessor.js', rewrite: (text) => text.replaceAll('enqueueJob(job)', 'enqueueLockedJob(job)') }]);
  });
  afterAll(() => tree.remove());

  it.each(SERVICES)('then $entry refuses to start with exit code 1 and a line naming the member', async ({ entry, env }) => {
    // Act
    const { code, output } = await exitOf(tree, entry, env);

    // Assert
    expect(code).toBe(1);
    expect(output).toContain('refusing to start: agenda 6.2.6 is installed, shared/src/agenda/ was tested with 6.2.6; changed internals: JobProcessor.enqueueJob (expected a function, found missing)');
  });
});
