import type { Agenda } from 'agenda';

/** The job attributes Agenda (`Job.run`, agenda/dist/Job.js) passes to its backend's saves. */
export interface SavedJobState {
  _id?: unknown;
  name: string;
  nextRunAt?: Date | null;
  lockedAt?: Date | null;
  lastRunAt?: Date | null;
}

/**
 * The methods of Agenda's backend (the MongoDB backend's job repository) this project wraps
 * (agenda.ts, agenda-run-start.ts): the one place to check when Agenda is upgraded.
 */
export interface AgendaBackend {
  saveJobState(attrs: SavedJobState, options?: { lastModifiedBy?: string }): Promise<unknown>;
  unlockJob(attrs: { _id?: unknown; name: string }): Promise<void>;
}

export const backendOf = (agenda: Agenda): AgendaBackend => (agenda as unknown as { db: AgendaBackend }).db;
