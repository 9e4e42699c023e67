import type { GraphQLSchema } from 'graphql';
import { buildRgsSchema, type RgsResolverDeps } from './schema.js';

/** The RGS schema without services, for emitting the SDL and checking it for drift. */
export function buildRgsContractSchema(): Promise<GraphQLSchema> {
  const unused = {} as RgsResolverDeps[keyof RgsResolverDeps];
  return buildRgsSchema({ kickoff: unused, approvals: unused, planner: unused, queries: unused, retries: unused } as RgsResolverDeps);
}
