import { ClientError, GraphQLClient } from 'graphql-request';
import {
  DeferredDeleteOperationsDocument,
  MeDocument,
  type MeQuery,
  OperationToPurgeDocument,
  PurgeArchivedDocument,
  type PurgeArchivedMutation,
  type PurgeCandidateFragment,
} from '../../graphql/generated/games-client.js';

export type PurgeCandidate = PurgeCandidateFragment;
export type PurgeOutcome = PurgeArchivedMutation['purgeArchived'];
export type PurgePrincipal = MeQuery['me'];

/** The calls the purge command makes to Games. */
export interface PurgeApi {
  /** Who the key acts as on Games, and its roles. */
  me(): Promise<PurgePrincipal>;
  operation(id: string): Promise<PurgeCandidate | null>;
  /** Every DEFERRED DELETE operation, newest first. */
  deferredDeleteOperations(): Promise<PurgeCandidate[]>;
  purge(operationId: string): Promise<PurgeOutcome>;
}

/** Operations per page: a page of 200 with their ids fits the API's cost limit (shared/src/http/request-limits.ts). */
const PAGE_SIZE = 200;

/** The Games API over HTTP with the typed documents generated from graphql/operations/games. */
export function createPurgeApi(options: { url: string; apiKey: string }): PurgeApi {
  const client = new GraphQLClient(`${options.url.replace(/\/$/, '')}/graphql`, {
    headers: { authorization: `Bearer ${options.apiKey}` },
  });
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw new Error(explain(err));
    }
  };
  return {
    me: () => call(async () => (await client.request(MeDocument)).me),
    operation: (id) => call(async () => (await client.request(OperationToPurgeDocument, { id })).operation),
    deferredDeleteOperations: () =>
      call(async () => {
        const all: PurgeCandidate[] = [];
        for (let after: string | null = null; ; ) {
          const { operations }: { operations: PurgeCandidate[] } = await client.request(DeferredDeleteOperationsDocument, { first: PAGE_SIZE, after });
          all.push(...operations);
          if (operations.length < PAGE_SIZE) return all;
          after = operations[operations.length - 1]!.id;
        }
      }),
    purge: (operationId) => call(async () => (await client.request(PurgeArchivedDocument, { operationId })).purgeArchived),
  };
}

/** A one-line reason: Games' error code and message, or why Games could not be reached. */
function explain(err: unknown): string {
  if (err instanceof ClientError) {
    const first = err.response.errors?.[0];
    return `${String(first?.extensions?.code ?? `HTTP ${err.response.status}`)}: ${first?.message ?? 'no message'}`;
  }
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `Games unreachable: ${err instanceof Error ? err.message : String(err)}${cause}`;
}
