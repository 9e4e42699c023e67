import type { Types } from 'mongoose';
import type { RgsModels } from '../data-access/rgs-models.js';
import { archivedAtFor } from './archived-at.js';
import { classifiedSlices } from './classify-game-tables.js';
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
}

/**
 * The dry run of a cleanup: the same qualification and classification as a run, streamed the same
 * way, with nothing written.
 */
export class CleanupPlanService {
  constructor(
    private readonly deps: { models: RgsModels; timeZone: string; trafficLookbackDays: number | undefined; clock?: () => Date },
  ) {}

  async plan(environmentId: Types.ObjectId, serverId: Types.ObjectId | null): Promise<CleanupPlan> {
    const { models } = this.deps;
    const environment = await models.Environment.findById(environmentId).lean<EnvironmentRecord>();
    if (!environment) throw new EnvironmentNotFoundError(String(environmentId));
    const now = this.deps.clock?.() ?? new Date();
    const plan: CleanupPlan = {
      environmentId: String(environmentId),
      serverId: serverId && String(serverId),
      archivedAt: archivedAtFor(now, this.deps.timeZone),
      toDeleteCount: 0,
      toArchiveCount: 0,
      sampleToDelete: [],
      sampleToArchive: [],
    };
    const since = trafficSince(now, this.deps.trafficLookbackDays);
    for await (const server of this.servers(environment, serverId)) {
      for await (const slice of classifiedSlices(models, { serverId: server._id, requiredCurrencies: environment.requiredCurrencies, trafficSince: since })) {
        const ids = slice.tables.map((t) => String(t._id));
        if (slice.action === CleanupAction.DELETE) {
          plan.toDeleteCount += ids.length;
          plan.sampleToDelete.push(...ids.slice(0, PLAN_SAMPLE_SIZE - plan.sampleToDelete.length));
        } else {
          plan.toArchiveCount += ids.length;
          plan.sampleToArchive.push(...ids.slice(0, PLAN_SAMPLE_SIZE - plan.sampleToArchive.length));
        }
      }
    }
    return plan;
  }

  private async *servers(environment: EnvironmentRecord, serverId: Types.ObjectId | null): AsyncGenerator<ServerRecord> {
    if (!serverId) {
      yield* qualifyingServers(this.deps.models, environment);
      return;
    }
    const server = await this.deps.models.Server.findOne({ _id: serverId, environmentId: environment._id }).lean<ServerRecord>();
    if (!server) throw new ServerNotFoundError(String(serverId), String(environment._id));
    if (await isQualifying(this.deps.models, server, environment)) yield server;
  }
}
