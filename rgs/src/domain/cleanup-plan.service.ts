import type { Types } from 'mongoose';
import type { RgsModels } from '../data-access/rgs-models.js';
import { archivedAtFor } from './archived-at.js';
import { shareOf } from './blast-radius.js';
import { classifiedCounts } from './classify-game-tables.js';
import { whyNeverCleaned } from './cleanup-eligibility.js';
import { EnvironmentNotFoundError, ServerNotFoundError } from './errors.js';
import { isQualifying, qualifyingServers, type EnvironmentRecord, type ServerRecord } from './qualifying-servers.js';
import { CleanupAction } from './statuses.js';
import { trafficSince } from './traffic-window.js';

/** How many ids of each kind a plan shows. */
export const PLAN_SAMPLE_SIZE = 10;

export interface CleanupPlan {
  environmentId: string;
  serverId: string | null;
  archivedAt: Date;
  toDeleteCount: number;
  toArchiveCount: number;
  /** RGS game table ids. */
  sampleToDelete: string[];
  sampleToArchive: string[];
  /** Active tables in scope: on the environment's active servers, or on the one server planned. */
  activeTables: number;
  /** (toDeleteCount + toArchiveCount) / activeTables, 0 when there are none. */
  share: number;
  /** The blast-radius limit (CLEANUP_MAX_SHARE) the share is compared with. */
  maxShare: number;
  /** True when a run would wait for approveCleanupRun: `share` exceeds `maxShare`. */
  needsApproval: boolean;
  /** Why nothing is planned although there may be candidates (no required currencies); null otherwise. */
  skippedReason: string | null;
}

/**
 * The dry run of a cleanup: the same qualification and classification as a run, counted from the
 * index (`classifiedCounts`), with nothing written. The kickoff plans every environment of a run
 * with it before touching anything, so what `cleanupPlan` shows is what a run checks against the
 * blast-radius limit.
 */
export class CleanupPlanService {
  constructor(
    private readonly deps: {
      models: RgsModels;
      timeZone: string;
      trafficLookbackDays: number | undefined;
      /** CLEANUP_MAX_SHARE, 0 < x ≤ 1. */
      maxShare: number;
      clock?: () => Date;
    },
  ) {}

  async plan(environmentId: Types.ObjectId, serverId: Types.ObjectId | null): Promise<CleanupPlan> {
    const environment = await this.deps.models.Environment.findById(environmentId).lean<EnvironmentRecord>();
    if (!environment) throw new EnvironmentNotFoundError(String(environmentId));
    return this.planFor(environment, serverId);
  }

  /** Plans `environment` (or one of its servers) as it stands now. */
  async planFor(environment: EnvironmentRecord, serverId: Types.ObjectId | null): Promise<CleanupPlan> {
    const { models, maxShare } = this.deps;
    const now = this.deps.clock?.() ?? new Date();
    const server = serverId ? await this.server(environment, serverId) : null;
    const plan: CleanupPlan = {
      environmentId: String(environment._id),
      serverId: serverId && String(serverId),
      archivedAt: archivedAtFor(now, this.deps.timeZone),
      toDeleteCount: 0,
      toArchiveCount: 0,
      sampleToDelete: [],
      sampleToArchive: [],
      activeTables: await this.activeTables(environment, server),
      share: 0,
      maxShare,
      needsApproval: false,
      skippedReason: whyNeverCleaned(environment),
    };
    if (plan.skippedReason) return plan;
    const since = trafficSince(now, this.deps.trafficLookbackDays);
    for await (const candidateServer of this.servers(environment, server)) {
      const counts = await classifiedCounts(
        models,
        { serverId: candidateServer._id, requiredCurrencies: environment.requiredCurrencies, trafficSince: since },
        PLAN_SAMPLE_SIZE,
      );
      const sampleOf = (action: CleanupAction, taken: string[]) => counts[action].sample.slice(0, PLAN_SAMPLE_SIZE - taken.length).map(String);
      plan.toDeleteCount += counts[CleanupAction.DELETE].count;
      plan.toArchiveCount += counts[CleanupAction.ARCHIVE].count;
      plan.sampleToDelete.push(...sampleOf(CleanupAction.DELETE, plan.sampleToDelete));
      plan.sampleToArchive.push(...sampleOf(CleanupAction.ARCHIVE, plan.sampleToArchive));
    }
    plan.share = shareOf(plan.toDeleteCount + plan.toArchiveCount, plan.activeTables);
    plan.needsApproval = plan.share > maxShare;
    return plan;
  }

  private async server(environment: EnvironmentRecord, serverId: Types.ObjectId): Promise<ServerRecord> {
    const server = await this.deps.models.Server.findOne({ _id: serverId, environmentId: environment._id }).lean<ServerRecord>();
    if (!server) throw new ServerNotFoundError(String(serverId), String(environment._id));
    return server;
  }

  /** The denominator of the share: what the environment (or server) has active now. */
  private async activeTables(environment: EnvironmentRecord, server: ServerRecord | null): Promise<number> {
    const { Server, GameTable } = this.deps.models;
    const serverIds: Types.ObjectId[] = server ? [server._id] : ((await Server.distinct('_id', { environmentId: environment._id, active: true })) as Types.ObjectId[]);
    return GameTable.countDocuments({ serverId: { $in: serverIds }, active: true });
  }

  private async *servers(environment: EnvironmentRecord, server: ServerRecord | null): AsyncGenerator<ServerRecord> {
    if (!server) {
      yield* qualifyingServers(this.deps.models, environment);
      return;
    }
    if (await isQualifying(this.deps.models, server, environment)) yield server;
  }
}
