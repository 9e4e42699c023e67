import type { PlannedEnvironment } from '../data-access/cleanup-run.model.js';

/** `removed / active`, 0 when nothing is active: the share of an environment a run would remove. */
export function shareOf(removed: number, active: number): number {
  return active === 0 ? 0 : removed / active;
}

/**
 * Whether a run with these plans must wait for a person: some environment's planned removals
 * (deletes + archives) exceed the limit. One environment over the limit holds the whole run, so an
 * approval is always for everything the run will do.
 */
export function needsApproval(planned: readonly Pick<PlannedEnvironment, 'needsApproval'>[]): boolean {
  return planned.some((p) => p.needsApproval);
}

/** A log- and Agendash-friendly line per environment over the limit, e.g. `curacao-prod 100% (800 of 800)`. */
export function overLimit(planned: readonly PlannedEnvironment[]): string[] {
  return planned
    .filter((p) => p.needsApproval)
    .map((p) => `${p.name} ${Math.round(p.share * 100)}% (${p.toDeleteCount + p.toArchiveCount} of ${p.activeTables})`);
}
