import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { baseEnvSchema } from '../../shared/src/config.js';
import { gamesEnvSchema } from '../../games/src/config.js';
import { rgsEnvSchema } from '../../rgs/src/config.js';
import { purgeEnvSchema } from '../../scripts/purge/config.js';

const CONFIGURATION_DOC = 'docs/configuration.md';

/** One documented row: the variable and its Default cell. */
interface DocumentedRow {
  variable: string;
  defaultCell: string;
}

/** The rows of the table under `## <heading>`, keyed by variable (a first cell of exactly one `NAME`). */
function documentedRows(markdown: string, heading: string): Map<string, DocumentedRow> {
  const sections = markdown.split(/^## /m);
  const section = sections.find((s) => s.startsWith(`${heading}\n`));
  if (!section) throw new Error(`${CONFIGURATION_DOC} has no "## ${heading}" section`);
  const rows = new Map<string, DocumentedRow>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const variable = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[1] ?? '')?.[1];
    if (variable && cells.length >= 4) rows.set(variable, { variable, defaultCell: cells[2]! });
  }
  return rows;
}

/** What the schema itself says: each variable it reads and the default it gives an empty environment. */
function schemaDefaults(schema: z.AnyZodObject, without: z.AnyZodObject | undefined): Array<[string, unknown]> {
  const defaults = schema.parse({}) as Record<string, unknown>;
  return Object.keys(schema.shape)
    .filter((name) => !without || !(name in without.shape))
    .map((name) => [name, defaults[name]]);
}

/** The problem with one row, or null: a schema default must be the cell's first code span; no default, the cell starts with "unset". */
function defaultProblem(name: string, schemaDefault: unknown, row: DocumentedRow | undefined): string | null {
  if (!row) return `${name}: not documented`;
  if (schemaDefault === undefined) {
    return /^unset\b/.test(row.defaultCell) ? null : `${name}: the schema has no default, but the doc says "${row.defaultCell}" (write "unset: …")`;
  }
  const documented = /`([^`]*)`/.exec(row.defaultCell)?.[1];
  return documented === String(schemaDefault) ? null : `${name}: the schema's default is ${String(schemaDefault)}, the doc says "${row.defaultCell}"`;
}

const SCHEMAS: Array<{ heading: string; schema: z.AnyZodObject; without?: z.AnyZodObject }> = [
  { heading: 'Both services', schema: baseEnvSchema },
  { heading: 'RGS', schema: rgsEnvSchema, without: baseEnvSchema },
  { heading: 'Games', schema: gamesEnvSchema, without: baseEnvSchema },
  { heading: 'Purge CLI', schema: purgeEnvSchema },
];

/** Variables read straight from process.env by the tooling (tests, bench, chaos, the mongod installer). */
function toolingVariables(): string[] {
  const files = ['bench', 'chaos', 'tests/support', 'tests/browser/support', 'scripts'].flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => /\.(ts|mjs)$/.test(file))
      .map((file) => `${dir}/${file}`),
  );
  const names = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
  return [...new Set(names)].sort();
}

describe('docs/configuration.md against the configuration schemas', () => {
  const markdown = readFileSync(CONFIGURATION_DOC, 'utf8');

  it.each(SCHEMAS)('When the $heading schema parses an empty environment, then each variable it reads has a row under "$heading" with the same default', ({ heading, schema, without }) => {
    // Arrange
    const rows = documentedRows(markdown, heading);
    const variables = schemaDefaults(schema, without);

    // Act
    const problems = variables.map(([name, schemaDefault]) => defaultProblem(name, schemaDefault, rows.get(name))).filter((p) => p !== null);

    // Assert
    expect(variables.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it.each(SCHEMAS)('When the "$heading" table lists a variable, then the $heading schema reads it', ({ heading, schema, without }) => {
    // Arrange
    const read = new Set(schemaDefaults(schema, without).map(([name]) => name));

    // Act
    const stale = [...documentedRows(markdown, heading).keys()].filter((name) => !read.has(name));

    // Assert
    expect(stale).toEqual([]);
  });

  it('When the tooling reads a variable from process.env, then the doc has a row for it', () => {
    // Arrange
    const documented = new Set([...markdown.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]!));
    const read = toolingVariables();

    // Act
    const missing = read.filter((name) => !documented.has(name));

    // Assert
    expect(read).toContain('BENCH_TABLES');
    expect(missing).toEqual([]);
  });
});
