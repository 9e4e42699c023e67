import { ConfigError } from '../../shared/src/config.js';
import { PURGE_USAGE, UsageError, parsePurgeArgs } from './args.js';
import { loadPurgeCliConfig } from './config.js';
import { terminalConfirm } from './confirm.js';
import { createPurgeApi } from './games-api.js';
import { barProgress } from './progress.js';
import { EXIT, runPurge } from './run-purge.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** A terminal (isTTY) gets progress bars; anything else plain lines. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** The whole command: arguments, configuration, then the run. Returns the exit code. */
export async function purgeCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let command;
  let config;
  try {
    command = parsePurgeArgs(argv);
    if (!command) {
      io.stdout.write(`${PURGE_USAGE}\n`);
      return EXIT.OK;
    }
    config = loadPurgeCliConfig(env);
  } catch (err) {
    if (err instanceof UsageError) io.stderr.write(`error: ${err.message}\n\n${PURGE_USAGE}\n`);
    else if (err instanceof ConfigError) io.stderr.write(`${err.message}\n`);
    else throw err;
    return EXIT.USAGE;
  }
  return runPurge(command, {
    api: createPurgeApi({ url: config.gamesUrl, apiKey: config.apiKey }),
    keyVariable: config.keyVariable,
    out: io.stdout,
    confirm: terminalConfirm(io.stdin, io.stdout),
    progress: io.stdout.isTTY ? (_operations, tables) => barProgress(io.stdout, tables) : undefined,
  });
}
