import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version scripts/install-mongod.mjs installs into the project's cache. */
export const EMBEDDED_MONGODB_VERSION = '8.2.6';

/** Walks up from this file to the folder holding package.json (works from src/ and from dist/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isFile(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function isFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the mongod to run for an embedded server, in the order the installer honours:
 * an explicit MONGOMS_SYSTEM_BINARY, a `mongod` on PATH, then the project's verified cache.
 */
export function resolveMongodBinary(options: { explicit?: string | undefined; path?: string | undefined }): string {
  if (options.explicit) return options.explicit;
  for (const dir of (options.path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'mongod');
    if (isExecutable(candidate)) return candidate;
  }
  const cached = resolve(projectRoot(), '.cache', 'mongodb', EMBEDDED_MONGODB_VERSION, 'mongod');
  if (isExecutable(cached)) return cached;
  throw new Error(
    'No mongod binary found. Run `npm run setup:mongod` (it installs MongoDB ' +
      `${EMBEDDED_MONGODB_VERSION} into .cache/), or set MONGOMS_SYSTEM_BINARY, or configure a MongoDB URI.`,
  );
}
