import { agendaTestedPackages } from '../agenda/tested-internals.js';
import { graphiqlTestedPackage } from '../http/graphiql.js';
import type { Logger } from '../logger.js';
import { mongooseTestedPackage } from '../mongoose/tested-internals.js';
import { installedVersion } from './installed-version.js';
import { findUntestedDependencies } from './tested-dependencies.js';

/** A dependency the adapters reach into is not the one they were tested with; the message has one line per package. */
export class UntestedDependencyError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.map((line) => `refusing to start: ${line} (docs/dependencies.md; ALLOW_UNTESTED_DEPENDENCIES=true starts anyway)`).join('\n'));
    this.name = 'UntestedDependencyError';
  }
}

/**
 * Throws UntestedDependencyError when a dependency is untested (see `findUntestedDependencies`), or,
 * with `allowUntested` (ALLOW_UNTESTED_DEPENDENCIES=true, for trying an upgrade), logs each line as
 * a warning and returns. `lines` is what was found; the default is the installed libraries.
 */
export function refuseUntested(lines: string[], options: { allowUntested: boolean; logger: Logger }): void {
  if (lines.length === 0) return;
  if (!options.allowUntested) throw new UntestedDependencyError(lines);
  for (const line of lines) options.logger.warn({ dependency: line }, `untested dependency, starting anyway (ALLOW_UNTESTED_DEPENDENCIES=true): ${line}`);
}

/** Checks the installed agenda, @agendajs/mongo-backend, agendash, mongoose and graphiql before a service takes any work. */
export async function refuseUntestedDependencies(options: { allowUntested: boolean; logger: Logger }): Promise<void> {
  const packages = [...(await agendaTestedPackages()), mongooseTestedPackage(), graphiqlTestedPackage()];
  refuseUntested(findUntestedDependencies(packages, installedVersion), options);
}
