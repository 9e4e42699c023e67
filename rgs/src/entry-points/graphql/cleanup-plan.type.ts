import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { CleanupPlan } from '../../domain/cleanup-plan.service.js';

@ObjectType('CleanupPlan', { description: 'What a cleanup would do now (a dry run: nothing is changed).' })
export class CleanupPlanType {
  @Field(() => ID)
  environmentId!: string;

  @Field(() => ID, { nullable: true, description: 'Null when the plan covers every qualifying server of the environment' })
  serverId!: string | null;

  @Field({ description: 'The instant a run started now would stamp: today 11:11:11 in CLEANUP_TIME_ZONE' })
  archivedAt!: Date;

  @Field(() => Int, { description: 'Candidate tables without traffic: destroyed here, DELETE in Games' })
  toDeleteCount!: number;

  @Field(() => Int, { description: 'Candidate tables with traffic: archived here, ARCHIVE in Games' })
  toArchiveCount!: number;

  @Field(() => [ID], { description: 'Up to 10 RGS game table ids that would be deleted' })
  sampleToDelete!: string[];

  @Field(() => [ID], { description: 'Up to 10 RGS game table ids that would be archived' })
  sampleToArchive!: string[];

  @Field(() => Int, { description: "Active tables in scope: on the environment's active servers, or on the server planned" })
  activeTables!: number;

  @Field(() => Float, { description: '(toDeleteCount + toArchiveCount) / activeTables, from 0 to 1' })
  share!: number;

  @Field(() => Float, { description: 'The blast-radius limit (CLEANUP_MAX_SHARE)' })
  maxShare!: number;

  @Field({ description: 'True when share exceeds maxShare: a run would wait as AWAITING_APPROVAL' })
  needsApproval!: boolean;

  @Field(() => String, { nullable: true, description: 'Why nothing is planned, e.g. "no required currencies configured"; null otherwise' })
  skippedReason!: string | null;

  static from(plan: CleanupPlan): CleanupPlanType {
    return { ...plan };
  }
}
