import type { Agenda } from 'agenda';
import type { MessageRetentionService } from '../../domain/message-retention.service.js';

export const CLEAN_INTEGRATION_MESSAGES_JOB = 'clean-integration-messages';

/** Runs the retention clean-up every hour (the seed's CleanCaIntegrationMessagesWorker). */
export async function scheduleIntegrationMessageRetention(
  agenda: Agenda,
  deps: { retention: MessageRetentionService; interval?: string },
): Promise<void> {
  agenda.define(CLEAN_INTEGRATION_MESSAGES_JOB, async () => {
    await deps.retention.cleanExpired();
  });
  await agenda.every(deps.interval ?? '1 hour', CLEAN_INTEGRATION_MESSAGES_JOB);
}
