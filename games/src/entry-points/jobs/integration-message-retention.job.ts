import type { Agenda } from 'agenda';
import { heartbeatsOf } from '../../../../shared/src/agenda/job-heartbeat.js';
import type { MessageRetentionService } from '../../domain/message-retention.service.js';

export const CLEAN_INTEGRATION_MESSAGES_JOB = 'clean-integration-messages';

/**
 * Runs the retention clean-up every hour (the seed's CleanCaIntegrationMessagesWorker): expired
 * operations and their messages. Finished worker jobs have their own retention (JOB_HISTORY_HOURS).
 */
export async function scheduleIntegrationMessageRetention(
  agenda: Agenda,
  deps: { retention: MessageRetentionService; interval?: string },
): Promise<void> {
  // Through the heartbeats: a big clean-up keeps its lock however long it takes.
  heartbeatsOf(agenda).define(CLEAN_INTEGRATION_MESSAGES_JOB, async () => {
    const now = new Date();
    await deps.retention.cleanExpired(now);
  });
  await agenda.every(deps.interval ?? '1 hour', CLEAN_INTEGRATION_MESSAGES_JOB);
}
