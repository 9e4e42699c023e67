import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/** Every TypeScript file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The module specifiers a file imports or re-exports. */
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('the services share only through shared/', () => {
  it.each([
    ['rgs', 'games'],
    ['games', 'rgs'],
  ])('When %s/src is read, then none of its files imports from %s/', (service, other) => {
    // Act
    const crossings = sources(join(service, 'src')).flatMap((file) => importsOf(file).filter((spec) => new RegExp(`(^|/)${other}/`).test(spec)).map((spec) => `${file} imports ${spec}`));

    // Assert
    expect(crossings).toEqual([]);
  });
});
