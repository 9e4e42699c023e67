import { Types } from 'mongoose';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CleanupApprovalService } from '../../domain/cleanup-approval.service.js';
import type { CleanupKickoffService } from '../../domain/cleanup-kickoff.service.js';
import { parseObjectId } from '../../domain/object-id.js';
import type { RgsQueries } from '../../domain/rgs-queries.js';
import { CleanupRunType } from './cleanup-run.type.js';
import { CleanupRunsArgs } from './cleanup-runs.args.js';
import { DispatchType } from './dispatch.type.js';
import { DISPATCHES_PAGE_SIZE, DispatchesArgs } from './dispatches.args.js';
import type { RgsContext } from './rgs-loaders.js';

@Resolver(() => CleanupRunType)
export class CleanupRunResolver {
  constructor(
    private readonly kickoff: CleanupKickoffService,
    private readonly approvals: CleanupApprovalService,
    private readonly queries: RgsQueries,
  ) {}

  @Mutation(() => CleanupRunType, {
    description:
      'Queues a cleanup run for one environment, or for all when environmentId is omitted or null. ' +
      'One run is active at a time: while one is QUEUED, AWAITING_APPROVAL or RUNNING, the same scope returns it and another scope fails with CONFLICT.',
  })
  async startCleanup(@Ctx() { principal }: RgsContext, @Arg('environmentId', () => ID, { nullable: true }) environmentId?: string | null): Promise<CleanupRunType> {
    const run = await this.kickoff.startRun(environmentId ? parseObjectId('environmentId', environmentId) : null, principal.name);
    return CleanupRunType.from(await this.queries.withCounts(run));
  }

  @Mutation(() => CleanupRunType, {
    description:
      'Lets a run AWAITING_APPROVAL go: it runs as planned, without the CLEANUP_MAX_SHARE limit. ' +
      'FORBIDDEN for the principal that started the run (two-person approval) unless ALLOW_SELF_APPROVAL=true.',
  })
  async approveCleanupRun(@Ctx() { principal }: RgsContext, @Arg('id', () => ID) id: string): Promise<CleanupRunType> {
    return CleanupRunType.from(await this.queries.withCounts(await this.approvals.approve(parseObjectId('id', id), principal.name)));
  }

  @Mutation(() => CleanupRunType, { description: 'Ends a QUEUED or AWAITING_APPROVAL run as CANCELLED; it has touched nothing. A RUNNING run cannot be cancelled.' })
  async cancelCleanupRun(@Ctx() { principal }: RgsContext, @Arg('id', () => ID) id: string): Promise<CleanupRunType> {
    return CleanupRunType.from(await this.queries.withCounts(await this.approvals.cancel(parseObjectId('id', id), principal.name)));
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

  @FieldResolver(() => Boolean, {
    description: 'True while the run is RUNNING but the job carrying it holds its lock without a heartbeat (its worker died or hangs); another worker takes it over once the lock expires',
  })
  async stalled(@Root() run: CleanupRunType): Promise<boolean> {
    return this.queries.isStalled({ _id: new Types.ObjectId(run.id), status: run.status });
  }

  @FieldResolver(() => [DispatchType])
  async dispatches(@Root() run: CleanupRunType, @Args() { first, after }: DispatchesArgs, @Ctx() { loaders }: RgsContext): Promise<DispatchType[]> {
    const page = { runId: new Types.ObjectId(run.id), first: first ?? DISPATCHES_PAGE_SIZE, after: after ? parseObjectId('after', after) : null };
    return (await loaders.dispatchPages.load(page)).map(DispatchType.from);
  }
}
