import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { MeResolver } from '../../../../shared/src/graphql/me.resolver.js';
import type { CleanupApprovalService } from '../../domain/cleanup-approval.service.js';
import type { CleanupKickoffService } from '../../domain/cleanup-kickoff.service.js';
import type { CleanupPlanService } from '../../domain/cleanup-plan.service.js';
import type { DispatchRetryService } from '../../domain/dispatch-retry.service.js';
import type { RgsQueries } from '../../domain/rgs-queries.js';
import { CleanupPlanResolver } from './cleanup-plan.resolver.js';
import { CleanupRunResolver } from './cleanup-run.resolver.js';
import { DispatchResolver } from './dispatch.resolver.js';
import { EnvironmentResolver } from './environment.resolver.js';

export interface RgsResolverDeps {
  kickoff: CleanupKickoffService;
  approvals: CleanupApprovalService;
  planner: CleanupPlanService;
  queries: RgsQueries;
  retries: DispatchRetryService;
}

/** The resolver classes of the RGS API; the SDL emitted from them is graphql/rgs.graphql. */
export const RGS_RESOLVERS = [EnvironmentResolver, CleanupPlanResolver, CleanupRunResolver, DispatchResolver, MeResolver] as const;

/** Builds the RGS schema with resolvers wired to the given services; validation is explicit. */
export async function buildRgsSchema(deps: RgsResolverDeps): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>([
    [EnvironmentResolver, new EnvironmentResolver(deps.queries)],
    [CleanupPlanResolver, new CleanupPlanResolver(deps.planner)],
    [CleanupRunResolver, new CleanupRunResolver(deps.kickoff, deps.approvals, deps.queries)],
    [DispatchResolver, new DispatchResolver(deps.retries)],
    [MeResolver, new MeResolver()],
  ]);
  return buildSchema({
    resolvers: RGS_RESOLVERS,
    container: { get: (cls) => instances.get(cls) },
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
  });
}
