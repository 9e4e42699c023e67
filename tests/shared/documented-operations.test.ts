import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, getIntrospectionQuery, Kind, parse, validate, type DocumentNode, type TypeNode } from 'graphql';
import { PLAYGROUND_TABS as GAMES_TABS } from '../../games/src/entry-points/graphql/example-query.js';
import { PLAYGROUND_TABS as RGS_TABS } from '../../rgs/src/entry-points/graphql/example-query.js';
import { startSecuredService, type SecuredService } from './support/secured-services.js';

const SCHEMAS = { games: buildSchema(readFileSync('graphql/games.graphql', 'utf8')), rgs: buildSchema(readFileSync('graphql/rgs.graphql', 'utf8')) };
const LIMIT_MESSAGE = /limit of|exceeded|exactly one mutation|more th(?:an|at) \d+ tokens/i;

/** Every operation a person or a client is told to send: README and docs/, client documents, GraphiQL examples, GraphiQL's introspection. */
function documentedOperations(): Array<{ source: string; service: 'games' | 'rgs'; document: DocumentNode; name: string | undefined; variables?: Record<string, unknown> }> {
  const sources: Array<[string, string, Record<string, unknown>?]> = [
    ...['README.md', ...readdirSync('docs', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((m, i) => [`${file} block ${i + 1}`, m[1]!] as [string, string]),
    ),
    ...readdirSync('graphql/operations/games').map((f) => [`graphql/operations/games/${f}`, readFileSync(`graphql/operations/games/${f}`, 'utf8')] as [string, string]),
    ...GAMES_TABS.map((tab, i) => [`Games GraphiQL tab ${i + 1}`, tab.query, tab.variables] as [string, string, Record<string, unknown>?]),
    ...RGS_TABS.map((tab, i) => [`RGS GraphiQL tab ${i + 1}`, tab.query, tab.variables] as [string, string, Record<string, unknown>?]),
  ];
  return sources.flatMap(([source, text, variables]) => {
    const document = parse(text);
    const service = validate(SCHEMAS.games, document).length === 0 ? 'games' : 'rgs';
    return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [{ source, service, document, name: d.name?.value, variables }] : []));
  });
}

/** A value for a variable, as large as its client sends: 500 ids (RGS), pages of 200 (the purge script). */
function sampleValue(type: TypeNode): unknown {
  if (type.kind === Kind.NON_NULL_TYPE) return sampleValue(type.type);
  if (type.kind === Kind.LIST_TYPE) return Array.from({ length: 500 }, (_, i) => (i + 1).toString(16).padStart(24, '0'));
  return { ID: '65ab12cd34ef56ab78cd90ef', Int: 200, String: 'documented-operation', Boolean: false, CleanupAction: 'DELETE', DateTimeISO: '2026-11-25T11:11:11.000Z' }[type.name.value];
}

describe('every documented operation passes the request limits', () => {
  const services: Partial<Record<'games' | 'rgs', SecuredService>> = {};
  beforeAll(async () => {
    services.games = await startSecuredService('games', 'development');
    services.rgs = await startSecuredService('rgs', 'development');
  });
  afterAll(async () => {
    await services.games?.stop();
    await services.rgs?.stop();
  });

  const operations = documentedOperations();
  it.each(operations.map((op) => [op.source, op.name ?? '(anonymous)', op] as const))('When %s, operation %s, is sent, then no request limit refuses it', async (_source, _name, op) => {
    // Arrange
    const svc = services[op.service]!;
    const definition = op.document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === op.name);
    const variables = {
      ...Object.fromEntries((definition?.kind === Kind.OPERATION_DEFINITION ? (definition.variableDefinitions ?? []) : []).map((v) => [v.variable.name.value, sampleValue(v.type)])),
      ...op.variables,
    };

    // Act
    const res = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${svc.token}` },
      body: JSON.stringify({ query: op.document.loc!.source.body, operationName: op.name, variables }),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string }> };

    // Assert: placeholders may be not found or invalid, but nothing is refused for its size.
    expect((body.errors ?? []).filter((e) => LIMIT_MESSAGE.test(e.message))).toEqual([]);
  });

  it.each(operations.map((op) => [op.source, op.name ?? '(anonymous)', op] as const))('When %s, operation %s, is read, then it is a valid document of its service', (_source, _name, op) => {
    // Act: a document neither schema accepts is sent to RGS above, where its validation errors are no limit's
    const problems = validate(SCHEMAS[op.service], op.document).map((e) => e.message);

    // Assert
    expect(problems).toEqual([]);
  });

  it.each(['games', 'rgs'] as const)('When GraphiQL loads the %s schema by introspection, then it is answered', async (name) => {
    const svc = services[name]!;
    const res = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${svc.token}` },
      body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true }) }),
    });
    const body = (await res.json()) as { data?: { __schema?: unknown }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.__schema).toBeDefined();
  });
});
