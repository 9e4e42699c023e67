import type { EnvironmentRecord } from './qualifying-servers.js';

/** Why an environment with an empty `requiredCurrencies` is never cleaned. */
export const NO_REQUIRED_CURRENCIES = 'no required currencies configured';

/** Why the kickoff passes over an environment that has nothing to clean. */
export const NO_QUALIFYING_SERVER = 'no qualifying server (no active server has an active table outside the required currencies)';

/**
 * Why `environment` must not be cleaned at all, or null when it may be. An empty list of required
 * currencies (the model's default) would make every active table a candidate: that is a missing
 * setting, never an instruction to wipe the environment. Servers have no list of their own, so the
 * same holds for every server of the environment.
 */
export function whyNeverCleaned(environment: Pick<EnvironmentRecord, 'requiredCurrencies'>): string | null {
  return environment.requiredCurrencies.length === 0 ? NO_REQUIRED_CURRENCIES : null;
}
