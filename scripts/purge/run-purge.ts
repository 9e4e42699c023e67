import type { PurgeCommand } from './args.js';
import { ConfirmationUnavailableError, type Confirm } from './confirm.js';
import type { PurgeApi, PurgeCandidate } from './games-api.js';
import { lineProgress, type PurgeProgress } from './progress.js';
import { formatTable } from './summary-table.js';

/** Exit codes of `npm run purge`. */
export const EXIT = {
  /** Everything selected was purged (or, with --dry-run, could be). */
  OK: 0,
  /** A table or an operation failed, Games was unreachable, or the purge was declined. */
  FAILED: 1,
  /** Bad arguments or configuration, or a confirmation that cannot be asked. */
  USAGE: 2,
} as const;

/** The role Games requires for purgeArchived. */
const PURGER_ROLE = 'purger';

export interface PurgeRunDeps {
  api: PurgeApi;
  /** Where the key came from, for the message when it may not purge (default PURGE_API_KEY). */
  keyVariable?: string;
  /** Where progress, the plan and the summary go (stdout). */
  out: { write(text: string): unknown };
  confirm: Confirm;
  now?: () => Date;
  /** How progress is shown (default: plain lines on `out`); the CLI uses bars on a terminal. */
  progress?: (operations: number, tables: number) => PurgeProgress;
}

/** One selected operation: sent to Games unless `refusal` says why Games would refuse it. */
interface Selected {
  id: string;
  candidate: PurgeCandidate | null;
  refusal: string | null;
}

interface SummaryRow {
  operation: string;
  purged: number | '-';
  failed: number | '-';
  result: string;
}

/**
 * `npm run purge`: selects the operations, shows the plan, asks (unless --yes), then purges them
 * one by one through the Games API, printing progress and a summary. Returns the exit code.
 */
export async function runPurge(command: PurgeCommand, deps: PurgeRunDeps): Promise<number> {
  const print = (line = '') => deps.out.write(`${line}\n`);
  let selected: Selected[];
  try {
    const principal = await deps.api.me();
    print(`Acting as ${principal.name} (roles: ${principal.roles.join(', ') || 'none'})`);
    if (!command.dryRun && !principal.roles.includes(PURGER_ROLE)) {
      print(`error: ${principal.name} may not purge: purgeArchived needs the role "${PURGER_ROLE}". Set ${deps.keyVariable ?? 'PURGE_API_KEY'} to the key of a principal holding it.`);
      return EXIT.USAGE;
    }
    selected = await select(command, deps);
  } catch (err) {
    print(`error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.FAILED;
  }
  const runnable = selected.filter((op) => op.refusal === null);
  const refused = selected.filter((op) => op.refusal !== null);

  printPlan(print, runnable, refused);
  if (command.dryRun) {
    print('Dry run: nothing was changed.');
    return refused.length > 0 ? EXIT.FAILED : EXIT.OK;
  }
  if (runnable.length === 0) return refused.length > 0 ? EXIT.FAILED : EXIT.OK;

  if (!command.yes) {
    try {
      const tables = runnable.reduce((sum, op) => sum + tableCount(op), 0);
      if (!(await deps.confirm(`Hard-delete ${tables} game table(s) of ${runnable.length} operation(s)? This cannot be undone.`))) {
        print('Declined: nothing was purged.');
        return EXIT.FAILED;
      }
    } catch (err) {
      if (!(err instanceof ConfirmationUnavailableError)) throw err;
      print(`error: ${err.message}`);
      return EXIT.USAGE;
    }
  }

  const rows = refused.map((op): SummaryRow => ({ operation: op.id, purged: '-', failed: '-', result: `skipped: ${op.refusal}` }));
  const tables = runnable.reduce((sum, op) => sum + tableCount(op), 0);
  const progress = (deps.progress ?? ((operations) => lineProgress(deps.out, operations)))(runnable.length, tables);
  for (const op of runnable) rows.push(await purgeOne(op, deps.api, progress));
  progress.stop();
  print();
  print(formatTable(['operation', 'purged', 'failed', 'result'], rows.map((row) => [row.operation, row.purged, row.failed, row.result])));
  const failed = rows.some((row) => row.failed !== 0);
  print(failed ? 'Some tables or operations failed: see above. Nothing else was changed for them.' : 'All purged.');
  return failed ? EXIT.FAILED : EXIT.OK;
}

async function select(command: PurgeCommand, deps: PurgeRunDeps): Promise<Selected[]> {
  const { api } = deps;
  if (command.target.kind === 'all-deferred') {
    const cutoff = (deps.now?.() ?? new Date()).getTime() - command.target.olderThanMs;
    const operations = await api.deferredDeleteOperations();
    return operations
      .filter((op) => new Date(op.createdAt).getTime() <= cutoff)
      .map((candidate) => ({ id: candidate.id, candidate, refusal: null }));
  }
  const selected: Selected[] = [];
  for (const id of command.target.ids) {
    const candidate = await api.operation(id);
    selected.push({ id, candidate, refusal: refusalOf(candidate) });
  }
  return selected;
}

/** Why Games would refuse to purge this operation; PROCESSED is fine (it returns the earlier result). */
function refusalOf(candidate: PurgeCandidate | null): string | null {
  if (!candidate) return 'operation not found';
  if (candidate.actionType !== 'DELETE') return `${candidate.actionType} operations are kept, never purged`;
  if (candidate.status !== 'DEFERRED' && candidate.status !== 'PROCESSED') return `status is ${candidate.status}, not DEFERRED`;
  return null;
}

const tableCount = (op: Selected) => op.candidate?.succeededIds.length ?? 0;

function printPlan(print: (line?: string) => void, runnable: Selected[], refused: Selected[]): void {
  if (runnable.length === 0 && refused.length === 0) {
    print('No operation to purge.');
    return;
  }
  if (runnable.length > 0) {
    const tables = runnable.reduce((sum, op) => sum + tableCount(op), 0);
    print(`To purge: ${runnable.length} operation(s), ${tables} game table(s)`);
    for (const op of runnable) {
      const { status, archivedAt, createdAt } = op.candidate!;
      print(`  ${op.id}  ${status.padEnd(9)}  ${String(tableCount(op)).padStart(3)} tables  archivedAt ${archivedAt}  received ${createdAt}`);
    }
  }
  if (refused.length > 0) {
    print(`Cannot be purged: ${refused.length} operation(s)`);
    for (const op of refused) print(`  ${op.id}  ${op.refusal}`);
  }
  print();
}

async function purgeOne(op: Selected, api: PurgeApi, progress: PurgeProgress): Promise<SummaryRow> {
  progress.started(op.id, tableCount(op));
  try {
    const outcome = await api.purge(op.id);
    progress.finished(op.id, {
      purged: outcome.purgedIds.length,
      failed: outcome.failures.length,
      status: outcome.operation.status,
      failures: outcome.failures.map((failure) => `${failure.gameTableId ?? '(operation)'}: ${failure.message}`),
    });
    return { operation: op.id, purged: outcome.purgedIds.length, failed: outcome.failures.length, result: outcome.operation.status };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    progress.errored(op.id, reason);
    return { operation: op.id, purged: '-', failed: '-', result: `error: ${reason}` };
  }
}
