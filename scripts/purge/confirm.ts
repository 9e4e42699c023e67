import { createInterface } from 'node:readline/promises';

/** Asks a yes/no question; true only for an explicit yes. */
export type Confirm = (question: string) => Promise<boolean>;

/** Confirmation was needed but nobody can answer: stdin is not a terminal. */
export class ConfirmationUnavailableError extends Error {
  constructor() {
    super('confirmation needed but stdin is not a terminal; re-run with --yes to purge without asking');
    this.name = 'ConfirmationUnavailableError';
  }
}

/** A prompt on the terminal; refuses up front when `input` is not a TTY (a pipe, CI, cron). */
export function terminalConfirm(input: NodeJS.ReadableStream & { isTTY?: boolean }, output: NodeJS.WritableStream): Confirm {
  return async (question) => {
    if (!input.isTTY) throw new ConfirmationUnavailableError();
    const rl = createInterface({ input, output });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
