import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { developmentSecrets, secretProblem } from '../secret-policy.js';
import type { Principal } from './principal.js';

/** One principal of RGS_API_KEYS / GAMES_API_KEYS, with the digests of its keys (never the keys). */
export interface ApiKeyPrincipal {
  name: string;
  roles: readonly string[];
  /** SHA-256 of each key; two during a rotation. */
  keyDigests: readonly Buffer[];
  perMinute?: number | undefined;
}

const HASHED_KEY = /^sha256:([0-9a-f]{64})$/i;

const entrySchema = z
  .object({
    name: z.string().trim().min(1).max(64).regex(/^[\w.@-]+$/, 'may hold letters, digits, _ . @ and - only'),
    roles: z.array(z.string()).min(1, 'must name at least one role'),
    key: z.string().optional(),
    /** Two keys of one principal while a key is rotated. */
    keys: z.array(z.string()).min(1).max(4).optional(),
    perMinute: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((entry) => (entry.key === undefined) !== (entry.keys === undefined), 'needs "key" (or "keys" while rotating), not both');

export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

function digestOf(key: string): Buffer {
  const hashed = HASHED_KEY.exec(key.trim());
  return hashed ? Buffer.from(hashed[1]!.toLowerCase(), 'hex') : sha256(key);
}

/** Why `key` cannot be used, or null. A `sha256:` key's length is unknown; it is only checked against the public defaults. */
function keyProblem(key: string, production: boolean): string | null {
  if (HASHED_KEY.test(key.trim())) {
    const digest = digestOf(key);
    const isPublic = developmentSecrets().some((secret) => sha256(secret).equals(digest));
    return production && isPublic ? 'is the hash of a public development default' : null;
  }
  if (key.startsWith('sha256:')) return 'must be sha256: followed by 64 hex digits';
  return secretProblem(key, production);
}

export interface ApiKeyRules {
  /** The variable, for messages: RGS_API_KEYS or GAMES_API_KEYS. */
  variable: string;
  /** The roles the service knows; any other is refused. */
  roles: readonly string[];
  production: boolean;
}

/** Thrown with one line naming the entry and what is wrong with it. */
export class ApiKeysError extends Error {}

/**
 * Parses `[{"name", "roles", "key" | "keys", "perMinute"?}]`. Refuses (ApiKeysError, one line naming
 * the entry) malformed JSON, an unknown role, a duplicate name or key, and in production a key shorter
 * than 16 characters or a public development default.
 */
export function parseApiKeys(json: string, rules: ApiKeyRules): ApiKeyPrincipal[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ApiKeysError(`${rules.variable}: not valid JSON; expected [{"name": "...", "roles": ["..."], "key": "..."}]`);
  }
  if (!Array.isArray(raw)) throw new ApiKeysError(`${rules.variable}: expected a JSON array of {"name", "roles", "key"} entries`);
  return raw.map((item: unknown, index) => parseEntry(item, index, rules));
}

function parseEntry(item: unknown, index: number, rules: ApiKeyRules): ApiKeyPrincipal {
  const named = typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string' ? ` ("${(item as { name: string }).name}")` : '';
  const where = `${rules.variable}[${index}]${named}`;
  const parsed = entrySchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiKeysError(`${where}: ${issue.path.length ? `${issue.path.join('.')} ` : ''}${issue.message}`);
  }
  const entry = parsed.data;
  const unknown = entry.roles.filter((role) => !rules.roles.includes(role));
  if (unknown.length) throw new ApiKeysError(`${where}: unknown role ${unknown.map((r) => `"${r}"`).join(', ')}; the roles are ${rules.roles.join(', ')}`);
  const keys = entry.keys ?? [entry.key!];
  for (const key of keys) {
    const problem = keyProblem(key, rules.production);
    if (problem) throw new ApiKeysError(`${where}: key ${problem}`);
  }
  return { name: entry.name, roles: [...new Set(entry.roles)], keyDigests: keys.map(digestOf), perMinute: entry.perMinute };
}

/** Refuses two principals of one name, or one key shared by two entries (whose principal would it be?). */
export function assertDistinct(principals: readonly ApiKeyPrincipal[], variable: string): void {
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const principal of principals) {
    if (names.has(principal.name)) throw new ApiKeysError(`${variable}: the name "${principal.name}" is given twice; rotate a key with "keys": ["old", "new"]`);
    names.add(principal.name);
    for (const digest of principal.keyDigests) {
      const hex = digest.toString('hex');
      if (digests.has(hex)) throw new ApiKeysError(`${variable} ("${principal.name}"): this key is already another entry's; every principal needs its own`);
      digests.add(hex);
    }
  }
}

const UNKNOWN_NAME = sha256('no principal has this name');

/** Finds the principal of a presented key. */
export class ApiKeyRegistry {
  private readonly byDigest = new Map<string, ApiKeyPrincipal>();
  private readonly byName = new Map<string, ApiKeyPrincipal>();

  constructor(principals: readonly ApiKeyPrincipal[]) {
    for (const principal of principals) {
      this.byName.set(principal.name, principal);
      for (const digest of principal.keyDigests) this.byDigest.set(digest.toString('hex'), principal);
    }
  }

  /**
   * The principal whose key this is. Looked up by the key's SHA-256: the time a map look-up takes
   * depends on the digest, which tells an attacker nothing about any stored key.
   */
  byKey(key: string): Principal | null {
    const found = this.byDigest.get(sha256(key).toString('hex'));
    return found ? toPrincipal(found, 'api-key') : null;
  }

  /** The principal `name` when `key` is one of its keys (Agendash's login: user = name, password = key). */
  byNameAndKey(name: string, key: string, via: Principal['via']): Principal | null {
    const found = this.byName.get(name);
    const digest = sha256(key);
    // Compared in constant time with each of the principal's digests, without short-circuit, and
    // with a stand-in for an unknown name: the time taken does not tell which names exist.
    const matches = (found?.keyDigests ?? [UNKNOWN_NAME]).reduce((any, stored) => any | Number(timingSafeEqual(stored, digest)), 0);
    return found && matches === 1 ? toPrincipal(found, via) : null;
  }
}

function toPrincipal(entry: ApiKeyPrincipal, via: Principal['via']): Principal {
  return { name: entry.name, roles: new Set(entry.roles), via, perMinute: entry.perMinute };
}
