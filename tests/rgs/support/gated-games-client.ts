import type { CleanupGameTablesCall } from '../../../rgs/src/data-access/games.client.js';
import { RecordingGamesClient } from './recording-games-client.js';

/**
 * A recording Games whose answers can be held: while closed, each call waits until `open()`, so a
 * test can act while a dispatcher round is in the middle of a call.
 */
export class GatedGamesClient extends RecordingGamesClient {
  /** Calls held while the gate is closed. */
  readonly waiting: CleanupGameTablesCall[] = [];
  private gate: Promise<void> | null = null;
  private release: () => void = () => {};

  close(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.waiting.length = 0;
    this.gate = null;
    this.release();
  }

  /** Lets the calls held so far through; the gate stays closed for the next ones. */
  openOnce(): void {
    const release = this.release;
    this.waiting.length = 0;
    this.close();
    release();
  }

  override async cleanupGameTables(call: CleanupGameTablesCall) {
    if (this.gate) {
      this.waiting.push(call);
      await this.gate;
    }
    return super.cleanupGameTables(call);
  }
}
