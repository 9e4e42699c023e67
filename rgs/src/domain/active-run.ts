import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../../shared/src/mongo/client-bulk-write.js';
import type { RunProgress, RunRecord } from './run-progress.js';

/** How often a claim retries when the active run ended between the failed insert and the look-up. */
const CLAIM_ATTEMPTS = 5;

/** The outcome of claiming the active-run slot. */
export type ActiveRunClaim = { created: true; run: RunRecord } | { created: false; active: RunRecord };

/** Same scope: both over every environment, or both over the same one. */
export function sameScope(a: Types.ObjectId | null, b: Types.ObjectId | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** "environment <id>" or "all environments", for messages. */
export function describeScope(environmentId: Types.ObjectId | null): string {
  return environmentId ? `environment ${String(environmentId)}` : 'all environments';
}

/**
 * One active run at a time, enforced by MongoDB: the new run is inserted holding `activeSlot`, and
 * the unique partial index on it refuses a second one, whichever request or process tries. The
 * loser gets the run that won. Returns `created: false` with that run, never two active runs.
 */
export async function claimActiveRun(progress: RunProgress, environmentId: Types.ObjectId | null, archivedAt: Date, startedBy: string): Promise<ActiveRunClaim> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { created: true, run: await progress.create(environmentId, archivedAt, startedBy) };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const active = await progress.active();
      if (active) return { created: false, active };
      // The active run ended in between: the slot is free again.
      if (attempt >= CLAIM_ATTEMPTS) throw err;
    }
  }
}
