import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

/** A service running as a real process from the build (`npm test` builds first). */
export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it printed, for diagnosing a failure. */
  output(): string;
  /** SIGKILL: no shutdown code runs, as when a machine or container dies. */
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `dist/<entry>` with `env` on top of this process's environment, and `nodeArgs` for Node itself. */
export function startServiceProcess(entry: string, env: Record<string, string>, nodeArgs: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, resolve(process.cwd(), 'dist', entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  return {
    child,
    output: () => output,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/**
 * A Games worker as a real process on `mongoUri`, the way the fault tests run it: batches of 50,
 * fast polling, warnings only. `env` overrides any variable.
 */
export function startGamesWorkerProcess(mongoUri: string, env: Record<string, string> = {}): ServiceProcess {
  return startServiceProcess('games/src/main.js', {
    GAMES_MONGODB_URI: mongoUri,
    GAMES_PORT: '0',
    GAMES_API_TOKEN: 'fault-test',
    LOG_LEVEL: 'warn',
    CLEANUP_BATCH_SIZE: '50',
    AGENDA_PROCESS_EVERY_MS: '100',
    JOB_LOCK_LIFETIME_MS: '8000',
    ...env,
  });
}
