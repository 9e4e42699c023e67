import { describe, expect, it } from '@jest/globals';
import { getIntrospectionQuery } from 'graphql';
import { GAMES_ACCESS } from '../../../games/src/access.js';
import { RGS_ACCESS } from '../../../rgs/src/access.js';
import { loadRgsConfig } from '../../../rgs/src/config.js';
import { requiredRole, ANY_PRINCIPAL } from '../../../shared/src/auth/access-policy.js';
import { useTestGames } from '../../support/games-app.js';
import { postGraphql } from '../../support/graphql-client.js';
import { useStarted } from '../../support/use-started.js';
import { startTestRgs } from '../../rgs/support/rgs-app.js';
import { collectionCounts } from '../support/secured-services.js';
import { apiKeys, principal, type TestPrincipal } from './principals.js';

const ID = '65ab12cd34ef56ab78cd90ef';

/** One call of every verb of both services, with arguments that pass validation. */
const VERBS: Record<'rgs' | 'games', Record<string, string>> = {
  rgs: {
    environments: '{ environments { id } }',
    cleanupPlan: `{ cleanupPlan(environmentId: "${ID}") { toDeleteCount } }`,
    cleanupRuns: '{ cleanupRuns(first: 1) { id } }',
    cleanupRun: `{ cleanupRun(id: "${ID}") { id } }`,
    me: '{ me { name } }',
    startCleanup: `mutation { startCleanup(environmentId: "${ID}") { id } }`,
    cancelCleanupRun: `mutation { cancelCleanupRun(id: "${ID}") { id } }`,
    retryDispatch: `mutation { retryDispatch(id: "${ID}") { id } }`,
    approveCleanupRun: `mutation { approveCleanupRun(id: "${ID}") { id } }`,
  },
  games: {
    gameTable: `{ gameTable(id: "${ID}") { id } }`,
    gameTables: '{ gameTables(first: 1) { id } }',
    operation: `{ operation(id: "${ID}") { id } }`,
    operations: '{ operations(first: 1) { id } }',
    me: '{ me { name } }',
    cleanupGameTables: `mutation { cleanupGameTables(ids: ["${ID}"], actionType: DELETE, archivedAt: "2026-11-25T11:11:11Z") { id } }`,
    purgeArchived: `mutation { purgeArchived(operationId: "${ID}") { purgedIds } }`,
    restoreArchived: `mutation { restoreArchived(operationId: "${ID}") { id } }`,
  },
};

const POLICIES = { rgs: RGS_ACCESS, games: GAMES_ACCESS };
/** A principal per role holding only that role, and one holding every role but it. */
const onlyRole = (role: string) => principal(`only-${role}`, [role]);
const allBut = (service: 'rgs' | 'games', role: string) => principal(`all-but-${role}`, POLICIES[service].roles.filter((r) => r !== role));
const principalsOf = (service: 'rgs' | 'games'): TestPrincipal[] => POLICIES[service].roles.flatMap((role) => [onlyRole(role), allBut(service, role)]);

const cases = (service: 'rgs' | 'games') =>
  Object.entries(VERBS[service]).map(([verb, document]) => {
    const operation = document.startsWith('mutation') ? 'mutation' : 'query';
    return [verb, document, requiredRole(POLICIES[service], operation, verb)!] as const;
  });

describe.each(['rgs', 'games'] as const)('every verb of %s is checked against its role before its resolver runs', (service) => {
  const games = useTestGames({ env: { GAMES_API_KEYS: apiKeys(principalsOf('games')) }, workers: false });
  const rgs = useStarted(() => startTestRgs({ env: { RGS_API_KEYS: apiKeys(principalsOf('rgs')) } }));
  const target = () => (service === 'rgs' ? rgs : games);

  it('When the schema is read, then every query and mutation has a case here (a new verb needs its tests)', async () => {
    // Act
    const { body } = await postGraphql<any>(target().url, getIntrospectionQuery(), {}, onlyRole('viewer').key);

    // Assert
    const fields = (name: string) => body.data.__schema.types.find((t: { name: string }) => t.name === name).fields.map((f: { name: string }) => f.name);
    expect([...fields('Query'), ...fields('Mutation')].sort()).toEqual(Object.keys(VERBS[service]).sort());
  });

  it.each(cases(service))('When %s is called by a principal holding only its role, then it is allowed', async (_verb, document, role) => {
    // Act
    const res = await postGraphql(target().url, document, {}, role === ANY_PRINCIPAL ? onlyRole('viewer').key : onlyRole(role).key);

    // Assert: past authorization (the resolver may still say NOT_FOUND about the made-up id)
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(403);
    expect(res.body.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('FORBIDDEN');
  });

  it.each(cases(service).filter(([, , role]) => role !== ANY_PRINCIPAL))(
    'When %s is called by a principal holding every role but %s, then it is FORBIDDEN (403) naming the role, and nothing is written',
    async (verb, document, role) => {
      // Arrange
      const before = await collectionCounts(target().conn);

      // Act
      const res = await postGraphql(target().url, document, {}, allBut(service, role).key);

      // Assert
      expect(res.status).toBe(403);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining(`${verb} needs the role "${role}"`), extensions: { code: 'FORBIDDEN' } })]);
      expect(await collectionCounts(target().conn)).toEqual(before);
    },
  );

  it.each(cases(service))('When %s is called without a credential, or with an unknown key, then it is UNAUTHENTICATED (401) and nothing is written', async (_verb, document) => {
    // Arrange
    const before = await collectionCounts(target().conn);

    // Act
    const responses = [await postGraphql(target().url, document, {}, null), await postGraphql(target().url, document, {}, 'no-such-key-0123456789')];

    // Assert
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    }
    expect(await collectionCounts(target().conn)).toEqual(before);
  });

  it('When a field that needs a role hides in a fragment beside an open one, then the whole operation is refused', async () => {
    // Arrange: `me` is open to every principal; the listing in the fragment needs viewer
    const listing = VERBS[service][service === 'rgs' ? 'cleanupRuns' : 'operations']!.replace(/^\{ (.*) \}$/, '$1');
    const withoutViewer = service === 'rgs' ? onlyRole('operator') : onlyRole('cleanup');

    // Act
    const res = await postGraphql(target().url, `{ me { name } ... on Query { ...Q } } fragment Q on Query { ${listing} }`, {}, withoutViewer.key);

    // Assert
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.message).toMatch(/needs the role "viewer"/);
    expect(res.body.data ?? null).toBeNull();
  });
});

describe("RGS's own Games key", () => {
  const games = useTestGames({ workers: false });

  it('When it is used to purge or restore, then Games refuses: it holds cleanup and viewer only', async () => {
    // Arrange: the key RGS is configured with in development (the least-privilege principal `rgs`)
    const rgsKey = loadRgsConfig({}).games.apiToken.value;

    // Act
    const me = await postGraphql<{ me: { name: string; roles: string[] } }>(games.url, '{ me { name roles } }', {}, rgsKey);
    const purge = await postGraphql(games.url, VERBS.games.purgeArchived!, {}, rgsKey);
    const restore = await postGraphql(games.url, VERBS.games.restoreArchived!, {}, rgsKey);

    // Assert
    expect(me.body.data?.me).toEqual({ name: 'rgs', roles: ['cleanup', 'viewer'] });
    expect([purge.status, restore.status]).toEqual([403, 403]);
    expect(purge.body.errors?.[0]?.message).toMatch(/purgeArchived needs the role "purger"; rgs holds cleanup, viewer/);
  });
});
