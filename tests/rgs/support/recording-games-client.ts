import { randomUUID } from 'node:crypto';
import type { CleanupGameTablesCall, GamesClient } from '../../../rgs/src/data-access/games.client.js';

/** A stand-in for Games that records every call and answers like Games: one operation per key. */
export class RecordingGamesClient implements GamesClient {
  readonly calls: CleanupGameTablesCall[] = [];
  private readonly operations = new Map<string, string>();

  async cleanupGameTables(call: CleanupGameTablesCall) {
    this.calls.push(call);
    const id = this.operations.get(call.idempotencyKey) ?? randomUUID();
    this.operations.set(call.idempotencyKey, id);
    return { id, status: 'RECEIVED' };
  }
}
