import { describe, expect, it } from '@jest/globals';
import { startTestGames, TEST_GAMES_TOKEN, useTestGames } from '../support/games-app.js';

describe('the Games HTTP surface', () => {
  const games = useTestGames();

  describe('when the bearer token is missing or wrong', () => {
    it.each([
      ['missing', null],
      ['wrong', 'not-the-token'],
    ])('When the token is %s, then the answer is HTTP 401 with only an UNAUTHENTICATED error', async (_case, token) => {
      // Act
      const res = await games.gql('{ operations { id } }', {}, token);

      // Assert
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        errors: [{ message: expect.stringMatching(/bearer token/i), extensions: { code: 'UNAUTHENTICATED' } }],
      });
    });

    it('When a mutation is sent without a token, then nothing is stored', async () => {
      // Act
      const res = await games.gql(
        `mutation { cleanupGameTables(ids: ["65ab12cd34ef56ab78cd90ef"], actionType: DELETE, archivedAt: "2026-11-25T11:11:11Z") { id } }`,
        {},
        null,
      );

      // Assert
      expect(res.status).toBe(401);
      expect(await games.models.IntegrationMessage.countDocuments()).toBe(0);
    });
  });

  describe('GraphQL over HTTP', () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${games.url}/graphql?query=${encodeURIComponent(query)}`, {
        headers: { authorization: `Bearer ${TEST_GAMES_TOKEN}`, accept: 'application/graphql-response+json', ...headers },
      });

    it('When a query is sent with GET, then it is answered', async () => {
      const res = await get('{ operations(first: 1) { id } }');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/graphql-response\+json/);
      expect(await res.json()).toEqual({ data: { operations: [] } });
    });

    it('When a mutation is sent with GET, then it is refused with 405', async () => {
      const res = await get('mutation { cleanupGameTables(ids: [], actionType: DELETE, archivedAt: "2026-11-25T11:11:11Z") { id } }');
      expect(res.status).toBe(405);
    });

    it('When a request is not valid GraphQL, then it is a 400 with GRAPHQL_PARSE_FAILED', async () => {
      const res = await games.gql('{ operations { id ', {});
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('When a field does not exist, then it is a 400 with GRAPHQL_VALIDATION_FAILED and no stack trace', async () => {
      const res = await games.gql('{ operations { nope } }', {});
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    });
  });

  describe('GraphiQL', () => {
    it('When a browser opens /graphql, then a GraphiQL page that loads nothing from the internet is served', async () => {
      // Act
      const res = await fetch(`${games.url}/graphql`, { headers: { accept: 'text/html' } });
      const html = await res.text();

      // Assert
      expect(res.status).toBe(200);
      expect(html).toContain('GraphiQL');
      expect(html).not.toMatch(/https?:\/\//);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(4);
      for (const asset of assets) {
        const file = await fetch(`${games.url}${asset}`);
        expect(file.status).toBe(200);
        expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
    });
  });

  describe('health and Agendash', () => {
    it('When MongoDB is up, then /health is 200 with the state of Mongo and Agenda', async () => {
      const res = await fetch(`${games.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ service: 'games', status: 'ok', mongo: 'up', agenda: 'running' });
    });

    it('When /dash is opened without credentials, then basic auth is required', async () => {
      const res = await fetch(`${games.url}/dash/`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    });

    it('When /dash is opened with the credentials, then Agendash and its API answer', async () => {
      const auth = { authorization: `Basic ${Buffer.from('admin:dash-dev-password').toString('base64')}` };
      expect((await fetch(`${games.url}/dash/`, { headers: auth })).status).toBe(200);
      const api = await fetch(`${games.url}/dash/api?limit=5`, { headers: auth });
      expect(api.status).toBe(200);
      expect(await api.json()).toHaveProperty('overview');
    });
  });
});

describe('Games /health when MongoDB is down', () => {
  it('When the database connection is lost, then /health answers 503 with mongo down', async () => {
    // Arrange
    const games = await startTestGames({ workers: false });
    try {
      await games.conn.close();

      // Act
      const res = await fetch(`${games.url}/health`);

      // Assert
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', mongo: 'down' });
    } finally {
      await games.stop().catch(() => {});
    }
  });
});
