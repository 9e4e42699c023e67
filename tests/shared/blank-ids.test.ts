import { describe, expect, it } from '@jest/globals';
import {
  getNamedType,
  GraphQLID,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { Types, type Connection } from 'mongoose';
import { JOB_WAKE_UPS_COLLECTION } from '../../shared/src/agenda/job-wake-ups.js';
import { RATE_LIMITS_COLLECTION } from '../../shared/src/auth/rate-limits.js';
import { fieldsWithIdArguments } from '../../shared/src/graphql/reject-blank-ids.js';
import { CONTRACT_SCHEMAS } from '../../scripts/contract-schemas.js';
import { useTestGames } from '../support/games-app.js';
import type { TestService } from '../support/graphql-client.js';
import { startTestRgs } from '../rgs/support/rgs-app.js';
import { RecordingGamesClient } from '../rgs/support/recording-games-client.js';
import { useStarted } from '../support/use-started.js';

/** A valid value of `type`, for the arguments a case does not blank. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  const scalars: Record<string, unknown> = {
    ID: new Types.ObjectId().toHexString(),
    String: 'x',
    Int: 1,
    Float: 0.5,
    Boolean: false,
    DateTimeISO: '2026-11-25T11:11:11.000Z',
  };
  if (!(type.name in scalars)) throw new Error(`add a sample value for the scalar ${type.name}`);
  return scalars[type.name];
}

/** `type`'s value with every ID in it replaced by `blank`. */
function blanked(type: GraphQLInputType, blank: string): unknown {
  if (isNonNullType(type)) return blanked(type.ofType, blank);
  if (isListType(type)) return [blanked(type.ofType, blank)];
  if (type === GraphQLID) return blank;
  if (isInputObjectType(type)) return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, getNamedType(f.type) === GraphQLID || isInputObjectType(getNamedType(f.type)) ? blanked(f.type, blank) : sample(f.type)]));
  return sample(type);
}

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * One request per ID argument of every field of `schema`, with that argument blank and the rest
 * valid. A field below the root is reached through a root query field without required arguments
 * that returns its type (`cleanupRuns { dispatches(after: …) }`); a row to reach it must exist.
 */
function blankIdCases(schema: GraphQLSchema, blank: string): Case[] {
  const roots = new Map([
    [schema.getQueryType(), 'query'],
    [schema.getMutationType(), 'mutation'],
  ]);
  return fieldsWithIdArguments(schema).flatMap(({ type, field, idArguments }) => {
    const operation = roots.get(type) ?? 'query';
    const parent = roots.has(type)
      ? undefined
      : Object.values(schema.getQueryType()!.getFields()).find((f) => getNamedType(f.type) === type && f.args.every((a) => !isNonNullType(a.type)));
    if (!roots.has(type) && !parent) throw new Error(`${type.name}.${field.name} takes an ID argument: extend this test to reach it`);
    return idArguments.map((blankArgument) => {
      const args = field.args.filter((a) => a.name === blankArgument || isNonNullType(a.type));
      const variables = Object.fromEntries(args.map((a) => [a.name, a.name === blankArgument ? blanked(a.type, blank) : sample(a.type)]));
      const declarations = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const selection = isObjectType(getNamedType(field.type)) ? '{ __typename }' : '';
      return {
        name: `${type.name}.${field.name}(${blankArgument}: ${JSON.stringify(blank)})`,
        query: `${operation} Case(${declarations}) { ${parent ? `${parent.name} { ` : ''}${field.name}(${args.map((a) => `${a.name}: $${a.name}`).join(', ')}) ${selection}${parent ? ' }' : ''} }`,
        variables,
      };
    });
  });
}

/** Documents in the service's database outside Agenda's own collection: nothing may be written. */
async function storedDocuments(service: TestService<{ conn: Connection }>): Promise<number> {
  // Agenda's own jobs and their wake-ups, and the rate limits' counters, are not the request's writes.
  const notTheRequests = new Set(['agendaJobs', JOB_WAKE_UPS_COLLECTION, RATE_LIMITS_COLLECTION]);
  const collections = (await service.conn.db!.listCollections().toArray()).map((c) => c.name).filter((n) => !notTheRequests.has(n));
  const counts = await Promise.all(collections.map((name) => service.conn.db!.collection(name).countDocuments()));
  return counts.reduce((a, b) => a + b, 0);
}

describe('an empty or blank ID argument, on both services', () => {
  const games = useTestGames();
  const rgs = useStarted(() => startTestRgs({ gamesClient: new RecordingGamesClient() }));
  const services = { 'games.graphql': games, 'rgs.graphql': rgs } as Record<string, TestService<{ conn: Connection }>>;

  const cases = async () => {
    const all: Array<Case & { file: string }> = [];
    for (const [file, build] of Object.entries(CONTRACT_SCHEMAS)) {
      const schema = await build();
      for (const blank of ['', '   ']) all.push(...blankIdCases(schema, blank).map((c) => ({ ...c, file })));
    }
    return all;
  };

  it('When the ID arguments are derived from the schemas, then every known one is among them', async () => {
    // Act
    const names = (await cases()).map((c) => c.name);

    // Assert: a sample of each kind, so a derivation that finds nothing cannot pass
    expect(names).toEqual(
      expect.arrayContaining([
        'Mutation.startCleanup(environmentId: "")',
        'Query.cleanupPlan(serverId: "")',
        'Mutation.approveCleanupRun(id: "")',
        'Mutation.cleanupGameTables(ids: "")',
        'Query.gameTables(after: "")',
        'Mutation.purgeArchived(operationId: "   ")',
        'CleanupRun.dispatches(after: "")',
      ]),
    );
  });

  it('When any ID argument of either schema is empty or blank, then the request fails with BAD_USER_INPUT and nothing is written', async () => {
    // Arrange: a run, so that CleanupRun.dispatches(after) is reached
    const now = new Date();
    await rgs.models.CleanupRun.collection.insertOne({ status: 'COMPLETED', environmentId: null, archivedAt: now, serversTotal: 0, serversDone: 0, deletedCount: 0, archivedCount: 0, failures: [], environments: [], kickoffDone: true, startedAt: now, finishedAt: now, createdAt: now, updatedAt: now });
    for (const { file, name, query, variables } of await cases()) {
      // Arrange
      const service = services[file]!;
      const before = await storedDocuments(service);

      // Act
      const res = await service.gql(query, variables);

      // Assert
      expect({ name, code: res.body.errors?.[0]?.extensions?.code, message: res.body.errors?.[0]?.message }).toEqual({
        name,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/must not be empty: omit it or pass null/),
      });
      expect({ name, stored: await storedDocuments(service) }).toEqual({ name, stored: before });
    }
  });

  it('When startCleanup is called with environmentId: "" as a literal, then it is refused and no run starts', async () => {
    // Arrange
    const before = await rgs.models.CleanupRun.countDocuments();

    // Act
    const res = await rgs.gql(`mutation { startCleanup(environmentId: "") { id } }`);

    // Assert
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toBe('environmentId must not be empty: omit it or pass null to leave it out');
    expect(await rgs.models.CleanupRun.countDocuments()).toBe(before);
  });
});
