import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { RunView } from '../../domain/run-counts.js';
import { DispatchType } from './dispatch.type.js';
import { PlannedEnvironmentType, SkippedEnvironmentType } from './run-plan.type.js';
import { RunStatus } from './enums.js';

@ObjectType('CleanupRun', { description: 'One cleanup run and its progress.' })
export class CleanupRunType {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => ID, { nullable: true, description: 'Null when the run covers every environment' })
  environmentId!: string | null;

  @Field({ description: 'Stamped on every table the run archives, here and in Games' })
  archivedAt!: Date;

  @Field(() => Int, { description: 'Qualifying servers found by the kickoff' })
  serversTotal!: number;

  @Field(() => Int, { description: 'Servers finished, cleaned or failed' })
  serversDone!: number;

  @Field(() => Int, { description: 'Of serversDone, the servers whose cleanup failed (each listed in errors)' })
  serversFailed!: number;

  @Field(() => Int, { description: 'Tables deleted so far (committed slices)' })
  deletedCount!: number;

  @Field(() => Int, { description: 'Tables archived so far (committed slices)' })
  archivedCount!: number;

  /** Resolved by CleanupRunResolver (the field `stalled` too). */
  @Field(() => [DispatchType], { description: 'The outbox rows of the run, oldest first, a page at a time (first, after)' })
  dispatches?: DispatchType[];

  @Field(() => [String], { description: 'One line per failed server, with the reason' })
  errors!: string[];

  @Field(() => Float, { nullable: true, description: 'The blast-radius limit (CLEANUP_MAX_SHARE) the run was planned with; null until planned' })
  maxShare!: number | null;

  @Field(() => [PlannedEnvironmentType], { description: 'What planning found per environment to clean, before anything was touched' })
  plannedEnvironments!: PlannedEnvironmentType[];

  @Field(() => [SkippedEnvironmentType], { description: 'Environments in scope the run leaves alone, with the reason' })
  skippedEnvironments!: SkippedEnvironmentType[];

  @Field(() => String, { nullable: true, description: 'The principal that started the run (startCleanup), or "schedule" for the cron; null for runs recorded before principals' })
  startedBy!: string | null;

  @Field({ description: 'When the run was started (startCleanup or the cron); startedAt is when it began RUNNING' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When approveCleanupRun let the run go' })
  approvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The principal that approved it' })
  approvedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When cancelCleanupRun ended the run' })
  cancelledAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The principal that cancelled it' })
  cancelledBy!: string | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  static from(doc: RunView): CleanupRunType {
    return {
      id: String(doc._id),
      status: doc.status,
      environmentId: doc.environmentId ? String(doc.environmentId) : null,
      archivedAt: doc.archivedAt,
      serversTotal: doc.serversTotal,
      serversDone: doc.serversDone,
      serversFailed: doc.serversFailed ?? 0,
      deletedCount: doc.deletedCount,
      archivedCount: doc.archivedCount,
      errors: doc.failures,
      maxShare: doc.maxShare ?? null,
      plannedEnvironments: (doc.planned ?? []).map(PlannedEnvironmentType.from),
      skippedEnvironments: (doc.skipped ?? []).map(SkippedEnvironmentType.from),
      startedBy: doc.startedBy ?? null,
      createdAt: doc.createdAt,
      approvedAt: doc.approvedAt ?? null,
      approvedBy: doc.approvedBy ?? null,
      cancelledAt: doc.cancelledAt ?? null,
      cancelledBy: doc.cancelledBy ?? null,
      startedAt: doc.startedAt ?? null,
      finishedAt: doc.finishedAt ?? null,
    };
  }
}
