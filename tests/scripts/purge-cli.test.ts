import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { purgeCli } from '../../scripts/purge/cli.js';
import { EXIT } from '../../scripts/purge/run-purge.js';
import { TEST_GAMES_TOKEN, useTestGames } from '../support/games-app.js';
import { archivedOperation, deleteCallbackProbe } from '../support/archived-operations.js';
import { apiKeys, principal } from '../shared/auth/principals.js';

const deleteCallback = deleteCallbackProbe();

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run purge', () => {
  const games = useTestGames({ gameTablePlugins: [deleteCallback.plugin] });
  afterEach(() => {
    deleteCallback.refuse(null);
  });

  /**
   * Runs the command against the test Games; `answer` is typed on a terminal, none means stdin is a
   * pipe; `terminal` makes stdout a terminal (progress bars).
   */
  async function purge(argv: string[], { answer, url, terminal }: { answer?: string; url?: string; terminal?: boolean } = {}): Promise<CliRun> {
    const stdin = Object.assign(new PassThrough(), { isTTY: answer !== undefined });
    if (answer !== undefined) stdin.end(`${answer}\n`);
    const stdout = Object.assign(new PassThrough(), { isTTY: terminal === true, columns: 120 });
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
    const env = { NODE_ENV: 'test', GAMES_URL: url ?? games.url, GAMES_API_TOKEN: TEST_GAMES_TOKEN };
    const code = await purgeCli(argv, env, { stdin, stdout, stderr });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  const remaining = (ids: string[]) => games.models.GameTable.countDocuments({ _id: { $in: ids } });
  const statusOf = async (operationId: string) => (await games.models.AsyncOperation.findById(operationId).lean())?.status;

  describe('with --dry-run', () => {
    it('When an operation is given, then it is listed with its table count, nothing changes and the exit code is 0', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 3);

      // Act
      const run = await purge(['--operation', operationId, '--dry-run']);

      // Assert
      expect(run.code).toBe(EXIT.OK);
      expect(run.stdout).toMatch(new RegExp(`${operationId}\\s+DEFERRED\\s+3 tables`));
      expect(run.stdout).toContain('Dry run: nothing was changed.');
      expect(await remaining(ids)).toBe(3);
      expect(await statusOf(operationId)).toBe('DEFERRED');
    });

    it('When --all-deferred --older-than 0m is given, then every DEFERRED DELETE operation is listed and nothing changes', async () => {
      // Arrange
      const toPurge = await archivedOperation(games, 2);
      const kept = await archivedOperation(games, 1, { actionType: 'ARCHIVE' });

      // Act
      const run = await purge(['--all-deferred', '--older-than', '0m', '--dry-run']);

      // Assert
      expect(run.code).toBe(EXIT.OK);
      expect(run.stdout).toContain(toPurge.operationId);
      expect(run.stdout).not.toContain(kept.operationId);
      expect(await remaining(toPurge.ids)).toBe(2);
    });

    it('When no DEFERRED operation is older than --older-than, then nothing is listed and the exit code is 0', async () => {
      // Arrange
      const { operationId } = await archivedOperation(games, 1);

      // Act
      const run = await purge(['--all-deferred', '--older-than', '7d', '--dry-run']);

      // Assert
      expect(run.code).toBe(EXIT.OK);
      expect(run.stdout).toContain('No operation to purge.');
      expect(run.stdout).not.toContain(operationId);
    });
  });

  describe('when purging', () => {
    it('When --yes is given, then the operation is purged without a question and the summary shows it with exit code 0', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 3);

      // Act
      const run = await purge(['--operation', operationId, '--yes']);

      // Assert
      expect(run.code).toBe(EXIT.OK);
      expect(run.stdout).toContain(`[1/1] ${operationId}: purged 3, failed 0`);
      expect(run.stdout).toMatch(/operation\s+purged\s+failed\s+result/);
      expect(run.stdout).toMatch(new RegExp(`${operationId}\\s+3\\s+0\\s+PROCESSED`));
      expect(run.stdout).not.toContain('[y/N]');
      expect(await remaining(ids)).toBe(0);
    });

    it('When --all-deferred --older-than 0m --yes is given, then every DEFERRED DELETE operation is purged', async () => {
      // Arrange
      const first = await archivedOperation(games, 1);
      const second = await archivedOperation(games, 2);

      // Act
      const run = await purge(['--all-deferred', '--older-than', '0m', '--yes']);

      // Assert
      expect(run.code).toBe(EXIT.OK);
      expect(await statusOf(first.operationId)).toBe('PROCESSED');
      expect(await statusOf(second.operationId)).toBe('PROCESSED');
      expect(await remaining([...first.ids, ...second.ids])).toBe(0);
    });

    it('When stdout is a terminal, then each operation gets a progress bar that ends full with its status, and a total bar', async () => {
      // Arrange
      const first = await archivedOperation(games, 2);
      const second = await archivedOperation(games, 3);

      // Act
      const run = await purge(['--operation', first.operationId, '--operation', second.operationId, '--yes'], { terminal: true });

      // Assert: bars (cli-progress' shades) instead of the plain [i/n] lines, then the summary
      expect(run.code).toBe(EXIT.OK);
      expect(run.stdout).not.toContain('[1/2]');
      expect(run.stdout).toMatch(new RegExp(`${first.operationId} \\[\u2588+\\] 2/2 tables \\| PROCESSED`));
      expect(run.stdout).toMatch(new RegExp(`${second.operationId} \\[\u2588+\\] 3/3 tables \\| PROCESSED`));
      expect(run.stdout).toMatch(/all operations\s+\[\u2588+\] 5\/5 tables \| done/);
      expect(run.stdout).toMatch(new RegExp(`${second.operationId}\\s+3\\s+0\\s+PROCESSED`));
      expect(await remaining([...first.ids, ...second.ids])).toBe(0);
    });

    it('When a table fails, then the others are purged, the failure is printed and the exit code is non-zero', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 3);
      deleteCallback.refuse(ids[0]!);

      // Act
      const run = await purge(['--operation', operationId, '--yes']);

      // Assert
      expect(run.code).toBe(EXIT.FAILED);
      expect(run.stdout).toContain(`${ids[0]}: callback refused`);
      expect(run.stdout).toMatch(new RegExp(`${operationId}\\s+2\\s+1\\s+PROCESSED`));
      expect(await remaining(ids)).toBe(1);
    });

    it('When an operation is unknown or an ARCHIVE one, then it is skipped, the others are purged and the exit code is non-zero', async () => {
      // Arrange
      const good = await archivedOperation(games, 1);
      const archive = await archivedOperation(games, 1, { actionType: 'ARCHIVE' });
      const unknown = 'aaaaaaaaaaaaaaaaaaaaaaaa';

      // Act
      const run = await purge(['--operation', unknown, '--operation', archive.operationId, '--operation', good.operationId, '--yes']);

      // Assert
      expect(run.code).toBe(EXIT.FAILED);
      expect(run.stdout).toMatch(new RegExp(`${unknown}\\s+-\\s+-\\s+skipped: operation not found`));
      expect(run.stdout).toContain('ARCHIVE operations are kept');
      expect(await remaining(good.ids)).toBe(0);
      expect(await remaining(archive.ids)).toBe(1);
    });

    it('When Games cannot be reached, then the reason is printed and the exit code is non-zero', async () => {
      // Act
      const run = await purge(['--all-deferred', '--older-than', '0m', '--yes'], { url: 'http://127.0.0.1:9' });

      // Assert
      expect(run.code).toBe(EXIT.FAILED);
      expect(run.stdout).toContain('Games unreachable');
    });
  });

  describe('when confirmation is needed', () => {
    it('When stdin is not a terminal and --yes is missing, then it exits with an error and changes nothing', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 1);

      // Act
      const run = await purge(['--operation', operationId]);

      // Assert
      expect(run.code).toBe(EXIT.USAGE);
      expect(run.stdout).toContain('stdin is not a terminal; re-run with --yes');
      expect(await remaining(ids)).toBe(1);
    });

    it('When the person answers yes, then the operation is purged', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 2);

      // Act
      const run = await purge(['--operation', operationId], { answer: 'yes' });

      // Assert
      expect(run.code).toBe(EXIT.OK);
      expect(run.stdout).toContain('Hard-delete 2 game table(s) of 1 operation(s)? This cannot be undone. [y/N]');
      expect(await remaining(ids)).toBe(0);
    });

    it('When the person answers anything but yes, then nothing is purged and the exit code is non-zero', async () => {
      // Arrange
      const { operationId, ids } = await archivedOperation(games, 1);

      // Act
      const run = await purge(['--operation', operationId], { answer: 'no' });

      // Assert
      expect(run.code).toBe(EXIT.FAILED);
      expect(run.stdout).toContain('Declined: nothing was purged.');
      expect(await remaining(ids)).toBe(1);
      expect(await statusOf(operationId)).toBe('DEFERRED');
    });
  });

  describe('when the command line is wrong', () => {
    it.each([
      [[], 'give either --operation <id> or --all-deferred'],
      [['--operation', 'aaaaaaaaaaaaaaaaaaaaaaaa', '--all-deferred', '--older-than', '7d'], 'give either --operation <id> or --all-deferred'],
      [['--all-deferred'], '--all-deferred needs --older-than'],
      [['--all-deferred', '--older-than', 'a week'], '--older-than must be a number and a unit'],
      [['--operation', 'aaaaaaaaaaaaaaaaaaaaaaaa', '--older-than', '7d'], '--older-than only goes with --all-deferred'],
      [['--operation', 'nope'], 'invalid: nope'],
      [['--everything'], "Unknown option '--everything'"],
    ])('When the arguments are %j, then it prints a usage error and exits with 2', async (argv, message) => {
      // Act
      const run = await purge(argv);

      // Assert
      expect(run.code).toBe(EXIT.USAGE);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Usage:');
    });

    it('When GAMES_URL is not a URL, then it names the variable and exits with 2', async () => {
      // Act
      const run = await purge(['--all-deferred', '--older-than', '7d'], { url: 'not a url' });

      // Assert
      expect(run.code).toBe(EXIT.USAGE);
      expect(run.stderr).toContain('GAMES_URL');
    });
  });
});

describe('npm run purge acting as its own principal (PURGE_API_KEY)', () => {
  const pia = principal('pia', ['viewer', 'purger']);
  const rgs = principal('rgs', ['cleanup', 'viewer']);
  const games = useTestGames({ env: { GAMES_API_KEYS: apiKeys([pia, rgs]) } });

  async function purgeAs(key: string, argv: string[]): Promise<CliRun> {
    const stdout = Object.assign(new PassThrough(), { isTTY: false });
    const out: string[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    const code = await purgeCli(argv, { NODE_ENV: 'test', GAMES_URL: games.url, PURGE_API_KEY: key }, { stdin, stdout, stderr: new PassThrough() });
    return { code, stdout: out.join(''), stderr: '' };
  }

  it('When the key is a purger’s, then the CLI says who it acts as, purges, and the operation records that principal', async () => {
    // Arrange
    const { operationId } = await archivedOperation(games, 2);

    // Act
    const run = await purgeAs(pia.key, ['--operation', operationId, '--yes']);

    // Assert
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout.split('\n')[0]).toBe('Acting as pia (roles: purger, viewer)');
    expect((await games.models.AsyncOperation.findById(operationId).lean())).toMatchObject({ status: 'PROCESSED', purgedBy: 'pia' });
  });

  it('When the key is RGS’s (no purger), then the CLI refuses before anything (exit 2), naming the role; a dry run is still allowed', async () => {
    // Arrange
    const { operationId, ids } = await archivedOperation(games, 2);

    // Act
    const run = await purgeAs(rgs.key, ['--operation', operationId, '--yes']);
    const dryRun = await purgeAs(rgs.key, ['--operation', operationId, '--dry-run']);

    // Assert
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.stdout).toContain('Acting as rgs (roles: cleanup, viewer)');
    expect(run.stdout).toContain('error: rgs may not purge: purgeArchived needs the role "purger". Set PURGE_API_KEY to the key of a principal holding it.');
    expect(dryRun.code).toBe(EXIT.OK);
    expect(await games.models.GameTable.countDocuments({ _id: { $in: ids } })).toBe(2);
  });
});
