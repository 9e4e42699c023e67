import { Types } from 'mongoose';
import { Arg, Args, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CleanupKickoffService } from '../../domain/cleanup-kickoff.service.js';
import { parseObjectId } from '../../domain/object-id.js';
import type { RgsQueries } from '../../domain/rgs-queries.js';
import { CleanupRunType } from './cleanup-run.type.js';
import { CleanupRunsArgs } from './cleanup-runs.args.js';
import { DispatchType } from './dispatch.type.js';

@Resolver(() => CleanupRunType)
export class CleanupRunResolver {
  constructor(
    private readonly kickoff: CleanupKickoffService,
    private readonly queries: RgsQueries,
  ) {}

  @Mutation(() => CleanupRunType, { description: 'Queues a cleanup run for one environment, or for all when none is given' })
  async startCleanup(@Arg('environmentId', () => ID, { nullable: true }) environmentId?: string | null): Promise<CleanupRunType> {
    const run = await this.kickoff.startRun(environmentId ? parseObjectId('environmentId', environmentId) : null);
    return CleanupRunType.from(await this.queries.withCounts(run));
  }

  @Query(() => [CleanupRunType], { description: 'Newest first' })
  async cleanupRuns(@Args() { first }: CleanupRunsArgs): Promise<CleanupRunType[]> {
    return (await this.queries.runs(first ?? 20)).map(CleanupRunType.from);
  }

  @Query(() => CleanupRunType, { nullable: true })
  async cleanupRun(@Arg('id', () => ID) id: string): Promise<CleanupRunType | null> {
    const run = await this.queries.run(parseObjectId('id', id));
    return run && CleanupRunType.from(run);
  }

  @FieldResolver(() => [DispatchType])
  async dispatches(@Root() run: CleanupRunType): Promise<DispatchType[]> {
    return (await this.queries.dispatches(new Types.ObjectId(run.id))).map(DispatchType.from);
  }
}
