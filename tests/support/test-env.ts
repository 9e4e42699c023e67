/**
 * Settings every in-process test service uses: silent logs (TEST_LOG_LEVEL to see them), a free
 * port, fast Agenda polling, and short job locks (Agenda keeps a timer of half the lock lifetime
 * per job run, which would keep Jest from exiting).
 */
export const TEST_SERVICE_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  AGENDA_PROCESS_EVERY_MS: '100',
  JOB_LOCK_LIFETIME_MS: '3000',
} as const;
