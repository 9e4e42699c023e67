import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { PlannedEnvironment, SkippedEnvironment } from '../../data-access/cleanup-run.model.js';

@ObjectType('PlannedEnvironment', { description: "One environment's figures in a run's plan, checked against CLEANUP_MAX_SHARE before anything is touched." })
export class PlannedEnvironmentType {
  @Field(() => ID)
  environmentId!: string;

  @Field()
  name!: string;

  @Field(() => Int)
  toDeleteCount!: number;

  @Field(() => Int)
  toArchiveCount!: number;

  @Field(() => Int, { description: "Active tables on the environment's active servers" })
  activeTables!: number;

  @Field(() => Float, { description: '(toDeleteCount + toArchiveCount) / activeTables, from 0 to 1' })
  share!: number;

  @Field({ description: 'True when share exceeds the limit: the run waits for approveCleanupRun' })
  needsApproval!: boolean;

  static from(doc: PlannedEnvironment): PlannedEnvironmentType {
    return { ...doc, environmentId: String(doc.environmentId) };
  }
}

@ObjectType('SkippedEnvironment', { description: 'An environment in scope that a run leaves alone.' })
export class SkippedEnvironmentType {
  @Field(() => ID)
  environmentId!: string;

  @Field()
  name!: string;

  @Field({ description: 'e.g. "no required currencies configured"' })
  reason!: string;

  static from(doc: SkippedEnvironment): SkippedEnvironmentType {
    return { ...doc, environmentId: String(doc.environmentId) };
  }
}
