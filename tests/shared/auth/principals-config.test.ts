import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../shared/src/config.js';
import { loadGamesConfig } from '../../../games/src/config.js';
import { loadRgsConfig } from '../../../rgs/src/config.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const keys = (entries: unknown[]) => JSON.stringify(entries);
const production = (env: Record<string, string>) => ({ NODE_ENV: 'production', GAMES_API_TOKEN: 'rgs-key-for-games-0123456789', ...env });
const names = (config: { auth: { apiKeys: ReadonlyArray<{ name: string; roles: readonly string[] }> } }) =>
  Object.fromEntries(config.auth.apiKeys.map((p) => [p.name, [...p.roles].sort()]));

describe('API-key principals in the configuration', () => {
  it('When RGS_API_KEYS names principals, then each gets exactly its roles, and a sha256: key is stored as given', () => {
    // Act
    const config = loadRgsConfig(
      production({
        RGS_API_KEYS: keys([
          { name: 'alice', roles: ['operator', 'viewer'], key: 'alice-key-0123456789' },
          { name: 'bob', roles: ['approver'], key: `sha256:${sha256('bob-key-0123456789')}`, perMinute: 60 },
        ]),
      }),
    );

    // Assert
    expect(names(config)).toEqual({ alice: ['operator', 'viewer'], bob: ['approver'] });
    expect(config.auth.apiKeys.find((p) => p.name === 'bob')!.keyDigests[0]!.toString('hex')).toBe(sha256('bob-key-0123456789'));
    expect(config.auth.apiKeys.find((p) => p.name === 'bob')!.perMinute).toBe(60);
    expect(config.apiToken).toBeUndefined();
    expect(config.cleanup.allowSelfApproval).toBe(false);
  });

  it('When only the legacy RGS_API_TOKEN is set, then it is the principal admin holding every role', () => {
    // Act
    const config = loadRgsConfig(production({ RGS_API_TOKEN: 'legacy-token-0123456789' }));

    // Assert
    expect(names(config)).toEqual({ admin: ['approver', 'jobs-admin', 'operator', 'viewer'] });
  });

  it('When nothing is set in development, then the development principals exist beside admin, and self-approval is allowed', () => {
    // Act
    const rgs = loadRgsConfig({});
    const games = loadGamesConfig({});

    // Assert
    expect(names(rgs)).toEqual({ admin: ['approver', 'jobs-admin', 'operator', 'viewer'], operator: ['operator', 'viewer'], approver: ['approver', 'viewer'] });
    expect(names(games)).toEqual({ admin: ['cleanup', 'jobs-admin', 'purger', 'viewer'], rgs: ['cleanup', 'viewer'], purger: ['purger', 'viewer'] });
    expect(rgs.cleanup.allowSelfApproval).toBe(true);
    // RGS calls Games with the development key of Games's least-privilege principal `rgs`.
    expect(rgs.games.apiToken.value).toBe(games.developmentPrincipals.find((p) => p.name === 'rgs')!.key);
  });

  it.each([
    ['a key shorter than 16 characters', [{ name: 'carol', roles: ['viewer'], key: 'short' }], /RGS_API_KEYS\[0\] \("carol"\): key must be at least 16 characters/],
    ['a development default', [{ name: 'carol', roles: ['viewer'], key: 'rgs-operator-dev-key' }], /RGS_API_KEYS\[0\] \("carol"\): key is a public development default/],
    ['the hash of a development default', [{ name: 'carol', roles: ['viewer'], key: `sha256:${sha256('rgs-dev-token')}` }], /RGS_API_KEYS\[0\] \("carol"\): key is the hash of a public development default/],
    ['an unknown role', [{ name: 'carol', roles: ['viewer', 'purger'], key: 'carol-key-0123456789' }], /RGS_API_KEYS\[0\] \("carol"\): unknown role "purger"; the roles are viewer, operator, approver, jobs-admin/],
    [
      'a duplicate name',
      [
        { name: 'carol', roles: ['viewer'], key: 'carol-key-0123456789' },
        { name: 'carol', roles: ['operator'], key: 'carol-key-9876543210' },
      ],
      /RGS_API_KEYS: the name "carol" is given twice/,
    ],
    [
      'a duplicate key',
      [
        { name: 'carol', roles: ['viewer'], key: 'shared-key-0123456789' },
        { name: 'dave', roles: ['operator'], key: `sha256:${sha256('shared-key-0123456789')}` },
      ],
      /RGS_API_KEYS \("dave"\): this key is already another entry's/,
    ],
    ['an entry without a key', [{ name: 'carol', roles: ['viewer'] }], /RGS_API_KEYS\[0\] \("carol"\): needs "key"/],
    ['a malformed hash', [{ name: 'carol', roles: ['viewer'], key: 'sha256:abc' }], /RGS_API_KEYS\[0\] \("carol"\): key must be sha256: followed by 64 hex digits/],
  ])('When production is given %s, then start-up fails with one line naming the entry', (_case, entries, message) => {
    // Act
    const load = () => loadRgsConfig(production({ RGS_API_KEYS: keys(entries) }));

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
    try {
      load();
    } catch (err) {
      expect((err as ConfigError).issues).toHaveLength(1);
      expect((err as ConfigError).issues[0]).not.toContain('\n');
    }
  });

  it('When an entry is named schedule, then start-up refuses it: cron-started runs are recorded under that name', () => {
    expect(() => loadRgsConfig({ RGS_API_KEYS: keys([{ name: 'schedule', roles: ['approver'], key: 'k' }]) })).toThrow(/RGS_API_KEYS: the name "schedule" is reserved/);
  });

  it('When an entry is named admin beside the legacy token, then start-up fails naming both', () => {
    expect(() => loadGamesConfig({ GAMES_API_KEYS: keys([{ name: 'admin', roles: ['viewer'], key: 'k' }]) })).toThrow(/GAMES_API_KEYS: the name "admin" belongs to GAMES_API_TOKEN/);
  });

  it('When a key rotates, then one principal holds both keys', () => {
    // Act
    const config = loadGamesConfig({ GAMES_API_KEYS: keys([{ name: 'rgs', roles: ['cleanup', 'viewer'], keys: ['old-rgs-key-0123456789', 'new-rgs-key-0123456789'] }]) });

    // Assert
    expect(config.auth.apiKeys.find((p) => p.name === 'rgs')!.keyDigests.map((d) => d.toString('hex'))).toEqual([sha256('old-rgs-key-0123456789'), sha256('new-rgs-key-0123456789')]);
  });

  it('When production has no key, no token and no identity provider, then start-up fails naming the variables', () => {
    expect(() => loadGamesConfig({ NODE_ENV: 'production' })).toThrow(/GAMES_API_KEYS: required when NODE_ENV=production \(or GAMES_API_TOKEN for one admin principal, or AUTH_JWKS_URL\)/);
  });

  it('When only part of the JWT settings is given, then start-up fails naming what is missing', () => {
    expect(() => loadGamesConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks' })).toThrow(/AUTH_ISSUER, AUTH_AUDIENCE: required with the other AUTH_\* settings/);
  });

  it('When production fetches the JWKS over plain http from another host, then start-up refuses it', () => {
    const env = { NODE_ENV: 'production', AUTH_JWKS_URL: 'http://idp.example/jwks', AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'games' };
    expect(() => loadGamesConfig(env)).toThrow(/AUTH_JWKS_URL: must be https:\/\//);
    expect(loadGamesConfig({ ...env, AUTH_JWKS_URL: 'https://idp.example/jwks' }).auth.jwt).toMatchObject({ rolesClaim: 'roles', nameClaim: 'sub' });
  });
});
