import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectionCounts, startSecuredService, type Mode, type SecuredService } from './support/secured-services.js';

/** A request an attacker (or a mistaken client) sends, and what it must get back. */
interface AttackCase {
  name: string;
  request: (svc: SecuredService) => { path?: string; method?: string; headers?: Record<string, string>; body?: string };
  status: number | ((mode: Mode) => number);
  code: string | ((mode: Mode) => string);
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const post = (svc: SecuredService, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE, authorization: `Bearer ${svc.token}`, ...headers },
  body: JSON.stringify({ query, variables }),
});
const deepIntrospection = (levels: number) => `{ __type(name: "Query") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;
const aliases = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ');

const CASES: AttackCase[] = [
  { name: 'a body over the size limit', request: (svc) => ({ ...post(svc, `{ ${svc.listQuery} }`, { pad: 'x'.repeat(200_000) }) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'malformed JSON', request: (svc) => ({ ...post(svc, ''), body: '{"query": "{ x }"' }), status: 400, code: 'BAD_REQUEST' },
  { name: 'a form content type', request: (svc) => ({ ...post(svc, ''), headers: { ...post(svc, '').headers, 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7Bx%7D' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'text/plain', request: (svc) => ({ ...post(svc, `{ ${svc.listQuery} }`), headers: { ...post(svc, '').headers, 'content-type': 'text/plain' } }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a query 30 levels deep', request: (svc) => post(svc, deepIntrospection(30)), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a query 200 levels deep', request: (svc) => post(svc, deepIntrospection(200)), status: 400, code: 'BAD_USER_INPUT' },
  { name: '20 aliases of a list', request: (svc) => post(svc, `{ ${aliases(20, svc.listQuery)} }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: '200 aliases of a list (12 KB)', request: (svc) => post(svc, `{ ${aliases(200, svc.listQuery)} }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a mutation multiplied by aliases', request: (svc) => post(svc, `mutation { ${aliases(3, svc.mutation)} }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'two full pages with nested rows, page size in a variable', request: (svc) => post(svc, `query($n: Int) { a: ${svc.heavyPage} b: ${svc.heavyPage} }`, { n: 500 }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a document over the token limit', request: (svc) => post(svc, `{ ${Array.from({ length: 1_100 }, () => '__typename').join(' ')} }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'too many directives', request: (svc) => post(svc, `{ ${Array.from({ length: 11 }, () => '__typename @include(if: true)').join(' ')} }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'no bearer token', request: (svc) => ({ ...post(svc, `{ ${svc.listQuery} }`), headers: { 'content-type': 'application/json' } }), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'an unknown route', request: () => ({ path: '/wp-admin', method: 'GET' }), status: 404, code: 'NOT_FOUND' },
  {
    name: 'a schema introspection',
    request: (svc) => post(svc, '{ __schema { queryType { name } } }'),
    status: (mode) => (mode === 'production' ? 400 : 200),
    code: (mode) => (mode === 'production' ? 'GRAPHQL_VALIDATION_FAILED' : ''),
  },
  {
    // Production serves no GraphiQL: the GET is an API request like any other, and has no credential.
    name: 'GraphiQL opened in a browser',
    request: () => ({ path: '/graphql', method: 'GET', headers: { accept: 'text/html' } }),
    status: (mode) => (mode === 'production' ? 401 : 200),
    code: (mode) => (mode === 'production' ? 'UNAUTHENTICATED' : ''),
  },
  { name: 'a cross-site form POST to Agendash', request: (svc) => dashPost(svc, { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, 'jobName=cleanup-kickoff'), status: 403, code: 'FORBIDDEN' },
  { name: 'a same-site form POST to Agendash', request: (svc) => dashPost(svc, { 'content-type': 'application/x-www-form-urlencoded' }, 'jobName=cleanup-kickoff'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a cross-site JSON POST to Agendash', request: (svc) => dashPost(svc, { 'content-type': 'application/json', origin: 'https://evil.example' }, '{"jobName":"cleanup-kickoff"}'), status: 403, code: 'FORBIDDEN' },
  { name: 'Agendash with a wrong password', request: (svc) => ({ path: '/dash/api', method: 'GET', headers: { authorization: basic('admin', `${svc.dashPassword}x`) } }), status: 401, code: 'UNAUTHENTICATED' },
];

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function dashPost(svc: SecuredService, headers: Record<string, string>, body: string) {
  return { path: '/dash/api/jobs/create', method: 'POST', headers: { authorization: basic('admin', svc.dashPassword), ...headers }, body };
}

const SERVICES = ['games', 'rgs'] as const;
const MODES: Mode[] = ['development', 'production'];

describe.each(SERVICES.flatMap((name) => MODES.map((mode) => [name, mode] as const)))('the %s HTTP surface in %s mode', (name, mode) => {
  let svc: SecuredService;
  beforeAll(async () => {
    svc = await startSecuredService(name, mode);
  });
  afterAll(async () => {
    await svc.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('When it receives %s, then it answers with the documented status and code, in JSON, and writes nothing', async (_name, attack) => {
    // Arrange
    const before = await collectionCounts(svc.conn);
    const { path = '/graphql', method = 'POST', headers, body } = attack.request(svc);

    // Act
    const res = await fetch(`${svc.url}${path}`, { method, headers, body });
    const text = await res.text();

    // Assert
    const status = typeof attack.status === 'function' ? attack.status(mode) : attack.status;
    const code = typeof attack.code === 'function' ? attack.code(mode) : attack.code;
    expect(res.status).toBe(status);
    if (status === 200 && code === '') {
      expect(res.headers.get('content-type')).toMatch(/json|html/);
    } else {
      expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
      const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe(code);
      expect(typeof body.errors[0]!.message).toBe('string');
      expect(text).not.toMatch(/<html|<pre|\n\s+at |node_modules|\/work\//i);
    }
    expect(text.length).toBeLessThan(2_000 + (status === 200 ? 100_000 : 0));
    expect(await collectionCounts(svc.conn)).toEqual(before);
  });

  it('When an id of 5,000 characters is sent, then the error quotes only a short prefix of it', async () => {
    // Act
    const res = await fetch(`${svc.url}/graphql`, { method: 'POST', ...post(svc, svc.idQuery('f'.repeat(5_000))) });
    const body = (await res.json()) as { errors?: Array<{ message: string }>; data?: unknown };

    // Assert
    expect(JSON.stringify(body).length).toBeLessThan(600);
    expect(body.errors?.[0]?.message ?? '').not.toContain('f'.repeat(40));
  });

  it('When a field name is misspelt, then field suggestions are given only outside production', async () => {
    // Act
    const res = await fetch(`${svc.url}/graphql`, { method: 'POST', ...post(svc, `{ ${svc.listQuery.replace(/^\w+/, (f) => `${f}x`)} }`) });
    const text = await res.text();

    // Assert
    expect(res.status).toBe(400);
    if (mode === 'production') expect(text).not.toMatch(/Did you mean/);
    else expect(text).toMatch(/Did you mean/);
  });

  it.each(['/graphql', '/health', '/dash/', '/nowhere'])('When %s is requested, then the response carries the security headers', async (path) => {
    // Act
    const res = await fetch(`${svc.url}${path}`, { headers: { authorization: basic('admin', svc.dashPassword), accept: 'text/html' } });

    // Assert
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toMatch(path === '/dash/' ? /script-src 'self'/ : /frame-ancestors 'none'/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('When Agendash itself posts JSON from its own origin, then the change is made', async () => {
    // Arrange
    const before = await svc.conn.db!.collection('agendaJobs').countDocuments({ name: 'security-test-noop' });

    // Act
    const res = await fetch(`${svc.url}/dash/api/jobs/create`, {
      method: 'POST',
      headers: { authorization: basic('admin', svc.dashPassword), 'content-type': 'application/json', origin: svc.url, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ jobName: 'security-test-noop', jobSchedule: 'in 1 year' }),
    });

    // Assert
    expect(res.status).toBe(200);
    expect(await svc.conn.db!.collection('agendaJobs').countDocuments({ name: 'security-test-noop' })).toBe(before + 1);
  });
});
