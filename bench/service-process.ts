import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServiceProcess, type ServiceProcess as StartedProcess } from '../tests/support/service-process.js';

/** The API token every bench service is started with. */
export const BENCH_TOKEN = 'bench-token-not-a-secret';
const POLL_MS = 100;

/** A service from the build as its own process, so its memory is its own. */
export class ServiceProcess {
  private readonly process: StartedProcess;

  /** The port it serves on (from GAMES_PORT or RGS_PORT). */
  readonly port: string | undefined;

  /** `heapBudget`: run with BENCH_HEAP_MB (the whole run's processes), or with V8's own limit. */
  constructor(entry: string, env: Record<string, string>, options: { heapBudget: boolean } = { heapBudget: true }) {
    this.port = env.GAMES_PORT ?? env.RGS_PORT;
    // BENCH_CPU_PROF=<dir>: each service writes a CPU profile there when it stops (node --cpu-prof).
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    this.process = startServiceProcess(entry, env, [...profile, ...(options.heapBudget ? heapBudget() : [])]);
  }

  /** Peak resident set (VmHWM) so far, in MB. */
  peakRssMb(): number {
    const status = readFileSync(`/proc/${this.process.child.pid}/status`, 'utf8');
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  }

  cpuMs(): number {
    return cpuMsOf(this.process.child.pid!);
  }

  async waitHealthy(url: string, deadline: number): Promise<void> {
    for (;;) {
      if (this.process.child.exitCode !== null) throw new Error(`service exited (${this.process.child.exitCode}):\n${this.process.output().slice(-20_000)}`);
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) return;
      checkDeadline(deadline);
      await sleep(POLL_MS);
    }
  }

  /** Everything it printed so far. */
  output(): string {
    return this.process.output();
  }

  /** SIGTERM; SIGKILL when it has not exited 15 s later. */
  async stop(): Promise<void> {
    await Promise.race([this.process.stop(), sleep(15_000).then(() => this.process.kill9())]);
  }
}

/**
 * BENCH_HEAP_MB (default 160; 0: V8's own limit): each service's old-space budget, as a deployment
 * sets it with NODE_OPTIONS=--max-old-space-size. Without one, V8 grows its heap with the allocation
 * rate of a long run (RGS peaked at 276 MB at 1,000,000 tables, 169 MB at 100,000) although what
 * a run keeps alive does not grow with the data: with 160 MB the 1,000,000-table run completes the same,
 * its peak RSS within 1.1x of the 100,000 one (docs/benchmarks.md), for about 10% more GC work.
 */
function heapBudget(): string[] {
  const mb = Number(process.env.BENCH_HEAP_MB ?? 160);
  return mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}

/** A GraphQL request to a bench service's `/graphql` (at `url`), with the bench's token. */
export function postGraphql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
}

export function checkDeadline(deadline: number): void {
  if (Date.now() > deadline) throw new Error('bench time limit reached');
}

/** CPU time (user + system) a local process has used so far, in ms; 0 where /proc is missing. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
