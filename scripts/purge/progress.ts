import cliProgress from 'cli-progress';

/** What the purge shows while it works, one operation after the other. */
export interface PurgeProgress {
  /** An operation's purge call is about to start; `tables` is how many it should delete. */
  started(operationId: string, tables: number): void;
  /** Games answered for the operation. */
  finished(operationId: string, outcome: { purged: number; failed: number; status: string; failures: string[] }): void;
  /** The call failed (Games unreachable, refused…). */
  errored(operationId: string, reason: string): void;
  /** All done: bars are closed, the summary may be printed. */
  stop(): void;
}

type Out = { write(text: string): unknown };

/**
 * Plain lines, for a pipe, a file or CI logs: `[2/5] <id>: purging 12 table(s)...` then the result
 * and each failing table.
 */
export function lineProgress(out: Out, operations: number): PurgeProgress {
  const print = (line: string) => out.write(`${line}\n`);
  let index = 0;
  const step = () => `[${index}/${operations}]`;
  return {
    started(operationId, tables) {
      index += 1;
      print(`${step()} ${operationId}: purging ${tables} table(s)...`);
    },
    finished(operationId, outcome) {
      print(`${step()} ${operationId}: purged ${outcome.purged}, failed ${outcome.failed}`);
      for (const failure of outcome.failures) print(`    ${failure}`);
    },
    errored(operationId, reason) {
      print(`${step()} ${operationId}: failed: ${reason}`);
    },
    stop() {},
  };
}

/**
 * A terminal: one cli-progress bar per operation (tables deleted of its tables, then its status)
 * and a total bar. Games purges an operation in one call, so a bar moves when its call returns;
 * meanwhile it shows the seconds spent. Failing tables are printed above the bars.
 */
export function barProgress(stream: NodeJS.WritableStream, totalTables: number): PurgeProgress {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      format: ' {label} [{bar}] {value}/{total} tables | {state} | {duration}s',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const total = multibar.create(Math.max(totalTables, 1), 0, { label: 'all operations'.padEnd(24), state: 'purging' });
  const bars = new Map<string, cliProgress.SingleBar>();
  let done = 0;
  return {
    started(operationId, tables) {
      bars.set(operationId, multibar.create(Math.max(tables, 1), 0, { label: operationId, state: 'purging' }));
    },
    finished(operationId, outcome) {
      bars.get(operationId)?.update(outcome.purged, { state: outcome.failed ? `${outcome.status}, ${outcome.failed} failed` : outcome.status });
      bars.get(operationId)?.stop();
      for (const failure of outcome.failures) multibar.log(`${operationId}: ${failure}\n`);
      done += outcome.purged + outcome.failed;
      total.update(done);
    },
    errored(operationId, reason) {
      bars.get(operationId)?.update({ state: `error: ${reason}` });
      bars.get(operationId)?.stop();
    },
    stop() {
      total.update({ state: 'done' });
      multibar.stop();
    },
  };
}
