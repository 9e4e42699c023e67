import { AGENDA_JOBS_COLLECTION } from '../agenda/job-heartbeat.js';
import { JOB_WAKE_UPS_COLLECTION } from '../agenda/job-wake-ups.js';
import { RATE_LIMITS_COLLECTION } from '../auth/rate-limits.js';
import type { ShardingLayout } from './sharding.js';

/** The collections every service keeps besides its models', which stay unsharded. */
export const SHARED_UNSHARDED: ShardingLayout['unsharded'] = [
  { collection: AGENDA_JOBS_COLLECTION, why: 'Agenda upserts its recurring jobs by name, without a shard key' },
  { collection: JOB_WAKE_UPS_COLLECTION, why: 'a capped collection every process tails for job wake-ups, and capped collections cannot be sharded' },
  { collection: RATE_LIMITS_COLLECTION, why: 'the rate limiter upserts its counters by key, without a shard key' },
];
