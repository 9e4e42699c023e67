import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A change to one file of the copied package: its path inside the package, and how to rewrite it. */
export interface Doctoring {
  file: string;
  rewrite(text: string): string;
}

/** A throwaway tree where the build sees a doctored copy of one package; the shared node_modules stay untouched. */
export interface DoctoredTree {
  /** The build's `entry` (e.g. `games/src/main.js`) as seen from the tree. */
  entry(entry: string): string;
  /** Node's flags for running from the tree: symlinks kept, so packages resolve inside it. */
  nodeArgs: string[];
  remove(): void;
}

/**
 * `<tmp>/dist` links to the build and `<tmp>/node_modules` links to every installed package but
 * `packageName`, which is a copy with `doctorings` applied. Run with `nodeArgs`, the services load
 * that copy, and every package that imports it (the backend, Agendash) loads the same copy.
 */
export function doctoredTree(packageName: string, doctorings: Doctoring[]): DoctoredTree {
  const root = mkdtempSync(join(tmpdir(), 'doctored-'));
  const installed = realpathSync(resolve('node_modules'));
  symlinkSync(resolve('dist'), join(root, 'dist'));
  const modules = join(root, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(installed)) {
    if (name === packageName) continue;
    if (name.startsWith('@') && packageName.startsWith(`${name}/`)) throw new Error('doctoring a scoped package is not supported here');
    symlinkSync(join(installed, name), join(modules, name));
  }
  const copy = join(modules, packageName);
  cpSync(join(installed, packageName), copy, { recursive: true });
  for (const { file, rewrite } of doctorings) {
    const path = join(copy, file);
    const before = readFileSync(path, 'utf8');
    const after = rewrite(before);
    if (after === before) throw new Error(`doctoring ${packageName}/${file} changed nothing`);
    writeFileSync(path, after);
  }
  return {
    entry: (entry) => join(root, 'dist', entry),
    nodeArgs: ['--preserve-symlinks', '--preserve-symlinks-main'],
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Sets the copied package's version. */
export const installedAs = (version: string): Doctoring => ({
  file: 'package.json',
  rewrite: (text) => text.replace(/"version": "[^"]+"/, `"version": "${version}"`),
});
