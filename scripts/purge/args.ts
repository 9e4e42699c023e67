import { parseArgs } from 'node:util';

/** What `npm run purge` was asked to do, validated. */
export interface PurgeCommand {
  /** The operations to purge: given ids, or every DEFERRED DELETE operation older than `olderThanMs`. */
  target: { kind: 'operations'; ids: string[] } | { kind: 'all-deferred'; olderThanMs: number };
  /** List what would be purged and change nothing. */
  dryRun: boolean;
  /** Skip the confirmation prompt (for scripts and CI). */
  yes: boolean;
}

export const PURGE_USAGE = `Usage:
  npm run purge -- --operation <id> [--operation <id> ...] [--dry-run] [--yes]
  npm run purge -- --all-deferred --older-than <age> [--dry-run] [--yes]

Hard-deletes (phase 2) the game tables of verified DEFERRED DELETE operations through the Games API.

Options:
  --operation <id>      an operation id (24 hex characters); repeat for several
  --all-deferred        every DEFERRED DELETE operation received more than --older-than ago
  --older-than <age>    with --all-deferred: a number and a unit, d (days), h (hours) or m (minutes), e.g. 7d
  --dry-run             list what would be purged (operations, table counts) and change nothing
  -y, --yes             do not ask for confirmation (needed when stdin is not a terminal)
  -h, --help            show this help

Environment: GAMES_URL (default http://localhost:4001), GAMES_API_TOKEN.
Exit codes: 0 all purged, 1 something failed or the purge was declined, 2 usage or configuration error.`;

/** A command line that cannot be run; the message says what to fix. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** `7d`, `12h`, `30m` in milliseconds. */
export function parseAge(text: string): number {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  if (!match) throw new UsageError(`--older-than must be a number and a unit d, h or m (e.g. 7d), not "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** Parses the arguments after `--`; null when help was asked for. */
export function parsePurgeArgs(argv: string[]): PurgeCommand | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        operation: { type: 'string', multiple: true },
        'all-deferred': { type: 'boolean', default: false },
        'older-than': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return null;

  const ids = values.operation ?? [];
  const allDeferred = values['all-deferred'];
  if (ids.length > 0 === allDeferred) throw new UsageError('give either --operation <id> or --all-deferred --older-than <age>');
  const common = { dryRun: values['dry-run'], yes: values.yes };

  if (allDeferred) {
    const olderThan = values['older-than'];
    if (olderThan === undefined) throw new UsageError('--all-deferred needs --older-than <age>, e.g. --older-than 7d');
    return { target: { kind: 'all-deferred', olderThanMs: parseAge(olderThan) }, ...common };
  }
  if (values['older-than'] !== undefined) throw new UsageError('--older-than only goes with --all-deferred');
  const invalid = ids.filter((id) => !/^[0-9a-f]{24}$/i.test(id));
  if (invalid.length > 0) throw new UsageError(`--operation must be a 24-character hex id; invalid: ${invalid.join(', ')}`);
  return { target: { kind: 'operations', ids: [...new Set(ids)] }, ...common };
}
