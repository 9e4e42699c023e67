import { Args, Query, Resolver } from 'type-graphql';
import type { CleanupPlanService } from '../../domain/cleanup-plan.service.js';
import { parseObjectId } from '../../domain/object-id.js';
import { CleanupPlanArgs } from './cleanup-plan.args.js';
import { CleanupPlanType } from './cleanup-plan.type.js';

@Resolver(() => CleanupPlanType)
export class CleanupPlanResolver {
  constructor(private readonly planner: CleanupPlanService) {}

  @Query(() => CleanupPlanType, { description: 'A dry run: what a cleanup of the environment (or one of its servers) would do now' })
  async cleanupPlan(@Args() { environmentId, serverId }: CleanupPlanArgs): Promise<CleanupPlanType> {
    const plan = await this.planner.plan(parseObjectId('environmentId', environmentId), serverId ? parseObjectId('serverId', serverId) : null);
    return CleanupPlanType.from(plan);
  }
}
