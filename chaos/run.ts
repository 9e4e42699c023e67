import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { stopEverything, type Trial } from './harness.js';
import { ALL_SCENARIOS } from './scenarios.js';

/**
 * `npm run chaos`: the fault scenarios of issue 10 with real processes (Games and RGS from the
 * build, mongod replica sets on loopback) and the project's default settings. Prints the machine
 * and a table of trials: recovery time, anything lost or doubled, and whether the target was met.
 * CHAOS_TRIALS (default 1) repeats each scenario; CHAOS_ONLY (substrings of scenario names,
 * comma-separated) picks some; CHAOS_DEADLINE_MS (default 600 000) bounds the whole run, which then stops everything
 * it started and prints what it has. Exit code 1 when a target was missed.
 */
const TRIALS = Number(process.env.CHAOS_TRIALS ?? 1);
const ONLY = (process.env.CHAOS_ONLY ?? '')
  .toLowerCase()
  .split(',')
  .map((part) => part.trim())
  .filter(Boolean);
const DEADLINE_MS = Number(process.env.CHAOS_DEADLINE_MS ?? 600_000);

function machine(): string[] {
  const sh = (command: string) => {
    try {
      return execSync(command, { encoding: 'utf8' }).trim();
    } catch {
      return '(unavailable)';
    }
  };
  return [`nproc: ${sh('nproc')} (${cpus()[0]?.model ?? 'unknown cpu'})`, 'free -h:', ...sh('free -h').split('\n').map((l) => `    ${l}`), `node: ${process.version}`];
}

function table(trials: Trial[]): string {
  const header = ['Scenario', '#', 'Target', 'Measured', 'Recovery (s)', 'Lost', 'Doubled', 'Met', 'Notes'];
  const rows = trials.map((t) => [t.scenario, String(t.trial), t.target, t.measured, t.recoverySeconds == null ? '–' : String(t.recoverySeconds), String(t.lost), String(t.doubled), t.pass ? 'yes' : 'NO', t.notes]);
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const trials: Trial[] = [];
const report = () => {
  console.log(`\n${machine().join('\n')}\n\n${table(trials)}\n`);
};

const deadline = setTimeout(() => {
  console.error(`chaos: deadline of ${DEADLINE_MS / 1000} s reached; stopping everything`);
  void stopEverything().finally(() => {
    report();
    process.exit(1);
  });
}, DEADLINE_MS);

const scenarios = ALL_SCENARIOS.filter((s) => ONLY.length === 0 || ONLY.some((part) => s.name.toLowerCase().includes(part)));
for (const scenario of scenarios) {
  for (let trial = 1; trial <= TRIALS; trial += 1) {
    const startedAt = Date.now();
    console.error(`chaos: ${scenario.name} #${trial} …`);
    const result = await scenario.run(trial).catch(
      (err: Error): Trial => ({ scenario: scenario.name, trial, target: scenario.target, measured: 'did not finish', recoverySeconds: null, lost: 0, doubled: 0, pass: false, notes: err.message.split('\n')[0]!.slice(0, 200) }),
    );
    console.error(`chaos: ${scenario.name} #${trial}: ${result.pass ? 'met' : 'MISSED'} in ${Math.round((Date.now() - startedAt) / 1000)} s — ${result.measured}`);
    trials.push(result);
  }
}
clearTimeout(deadline);
report();
process.exit(trials.every((t) => t.pass) ? 0 : 1);
