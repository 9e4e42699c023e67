/** What an internal member is expected to be: `typeof`, or `array`, or `declared` (present, any value). */
export type MemberKind = 'function' | 'boolean' | 'number' | 'object' | 'array' | 'declared';

/** One internal member an adapter uses, as found on the installed library. */
export interface FoundMember {
  /** Where it lives, for the message: `JobProcessor`, `Schema#s.hooks`. */
  owner: string;
  member: string;
  expected: MemberKind;
  /** What is there now: a `typeof`, `array`, `null`, or `missing`. */
  found: string;
}

/** A package an adapter reaches into, and what the adapter was tested with. */
export interface TestedPackage {
  name: string;
  testedVersion: string;
  /** The adapter folder, so the message says where to look. */
  adapter: string;
  members: FoundMember[];
}

/** What `member` of `subject` is, checked against `expected`. An unreachable subject has every member missing. */
export function describeMember(subject: object | undefined | null, owner: string, member: string, expected: MemberKind): FoundMember {
  if (subject == null || !(member in subject)) return { owner, member, expected, found: 'missing' };
  const value: unknown = (subject as Record<string, unknown>)[member];
  const found = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return { owner, member, expected, found: expected === 'declared' ? 'declared' : found };
}

/**
 * One line per package whose installed version is not the tested one, or whose internal members
 * are missing or of another kind; empty when everything is as tested.
 */
export function findUntestedDependencies(packages: TestedPackage[], installedVersion: (name: string) => string): string[] {
  const lines: string[] = [];
  for (const pkg of packages) {
    const installed = installedVersion(pkg.name);
    const changed = pkg.members.filter((m) => m.found !== m.expected);
    if (installed === pkg.testedVersion && changed.length === 0) continue;
    const members = changed.map((m) => `${m.owner}.${m.member} (expected ${article(m.expected)}, found ${m.found})`);
    lines.push(
      `${pkg.name} ${installed} is installed, ${pkg.adapter} was tested with ${pkg.testedVersion}` +
        (members.length > 0 ? `; changed internals: ${members.join(', ')}` : '; its internals look unchanged'),
    );
  }
  return lines;
}

const article = (kind: MemberKind) => (kind === 'declared' ? 'a declared field' : kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`);
