import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestRgs, type TestRgs } from './support/rgs-app.js';
import { RecordingGamesClient } from './support/recording-games-client.js';
import { seedEnvironment, seedServer } from './support/seed.js';
import { START_CLEANUP } from './support/runs.js';

const ENVIRONMENTS = `{ environments { id name requiredCurrencies servers { id name active environmentId } } }`;

describe('the RGS GraphQL API surface', () => {
  let rgs: TestRgs;
  beforeAll(async () => {
    rgs = await startTestRgs({ gamesClient: new RecordingGamesClient() });
  });
  afterAll(async () => {
    await rgs.stop();
  });

  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'not-the-token'],
  ])('When a request comes with %s, then it is refused with HTTP 401 and UNAUTHENTICATED', async (_case, token) => {
    // Act
    const res = await rgs.gql(ENVIRONMENTS, {}, token);

    // Assert
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data ?? undefined).toBeUndefined();
  });

  it('When environments are queried with the token, then each comes with its required currencies and servers', async () => {
    // Arrange
    const environment = await seedEnvironment(rgs.models, ['eur', 'GBP']);
    const server = await seedServer(rgs.models, environment._id, { name: 'alpha', active: false });

    // Act
    const res = await rgs.gql(ENVIRONMENTS);

    // Assert
    expect(res.status).toBe(200);
    const found = res.body.data!.environments.find((e: { id: string }) => e.id === String(environment._id));
    expect(found).toEqual({
      id: String(environment._id),
      name: environment.name,
      requiredCurrencies: ['EUR', 'GBP'],
      servers: [{ id: String(server._id), name: 'alpha', active: false, environmentId: String(environment._id) }],
    });
  });

  it('When startCleanup names an unknown environment, then it fails with NOT_FOUND and no run is recorded', async () => {
    // Arrange
    const before = await rgs.models.CleanupRun.countDocuments();

    // Act
    const res = await rgs.gql(START_CLEANUP, { environmentId: '0123456789abcdef01234567' });

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(before);
  });

  it('When an id argument is not an ObjectId, then the request fails with BAD_USER_INPUT', async () => {
    // Act
    const res = await rgs.gql(`{ cleanupRun(id: "nope") { id } }`);

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/id must be a 24-character hex ObjectId/);
  });

  it('When cleanupRuns asks for more than 100 runs, then it fails with BAD_USER_INPUT', async () => {
    // Act
    const res = await rgs.gql(`{ cleanupRuns(first: 101) { id } }`);

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
