import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { useTestGames } from '../../support/games-app.js';
import { postGraphql } from '../../support/graphql-client.js';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'games-api';
const ME = '{ me { name roles via } }';

/** An identity provider of the test's own: an RSA key whose public half is served as a JWKS on loopback. */
let jwksServer: Server;
let jwksUrl = '';
let signingKey: CryptoKey;
let publicJwk: Record<string, unknown>;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
});

const sign = (claims: JWTPayload, options: { kid?: string; expiresIn?: string | number; issuer?: string; audience?: string } = {}) =>
  new SignJWT({ roles: ['viewer', 'purger', 'not-a-games-role'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
    .setSubject('jane@example.com')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(signingKey);

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** HS256 signed with the provider's public key as the HMAC secret: the classic algorithm-confusion forgery. */
async function hs256WithPublicKey(): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const header = base64url({ alg: 'HS256', typ: 'JWT', kid: 'key-1' });
  const payload = base64url({ sub: 'mallory', roles: ['purger'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 });
  const signature = createHmac('sha256', JSON.stringify(publicJwk)).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('JWTs from an identity provider (AUTH_JWKS_URL)', () => {
  const games = useTestGames({
    workers: false,
    env: {
      get AUTH_JWKS_URL() {
        return jwksUrl;
      },
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
    },
  });

  it('When a valid token is sent, then its subject is the principal with only this service’s roles from its claim', async () => {
    // Act
    const res = await postGraphql(games.url, ME, {}, await sign({}));

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.data?.me).toEqual({ name: 'jane@example.com', roles: ['purger', 'viewer'], via: 'jwt' });
  });

  it.each([
    ['expired', () => sign({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['not valid yet', () => sign({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    ['from another issuer', () => sign({}, { issuer: 'https://evil.test' })],
    ['for another audience', () => sign({}, { audience: 'rgs-api' })],
    ['signed with an unknown key id', () => sign({}, { kid: 'key-that-does-not-exist' })],
    ['unsigned (alg: none)', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'mallory', roles: ['purger'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`],
    ['HS256 signed with the public key', hs256WithPublicKey],
  ])('When a token %s is sent, then it is UNAUTHENTICATED (401)', async (_case, token) => {
    // Act
    const res = await postGraphql(games.url, ME, {}, await token());

    // Assert
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('When a valid token lacks the role a verb needs, then it is FORBIDDEN naming the role', async () => {
    // Act
    const res = await postGraphql(games.url, 'mutation { cleanupGameTables(ids: ["65ab12cd34ef56ab78cd90ef"], actionType: DELETE, archivedAt: "2026-11-25T11:11:11Z") { id } }', {}, await sign({}));

    // Assert
    expect(res.status).toBe(403);
    expect(res.body.errors?.[0]?.message).toMatch(/cleanupGameTables needs the role "cleanup"; jane@example.com holds/);
  });
});

describe('JWTs when the identity provider cannot be reached', () => {
  const games = useTestGames({ workers: false, env: { AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });

  it('When its key set cannot be fetched, then the answer is 503 with Retry-After, not a 401 that blames the token, and no failure is counted', async () => {
    // Act
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await fetch(`${games.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign({})}` }, body: JSON.stringify({ query: ME }) }));

    // Assert
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(answers[0]!.headers.get('retry-after')).toBe('5');
    expect(await answers[0]!.json()).toEqual({ errors: [{ message: expect.stringContaining('identity provider cannot be reached'), extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    expect(await games.conn.db!.collection('ratelimits').countDocuments({ key: /^auth-failures/ })).toBe(0);
  });
});
