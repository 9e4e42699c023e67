/**
 * Who is calling: a named principal and the roles it holds. Every request of both services is made
 * by one (an API key's entry, a JWT's subject, or the Agendash login), and every destructive verb
 * records its name.
 */
export interface Principal {
  name: string;
  roles: ReadonlySet<string>;
  /** How it authenticated; shown by `me` and in the logs. */
  via: 'api-key' | 'jwt' | 'dashboard-login';
  /** This principal's own request budget per minute (a key entry's `perMinute`); unset: REQUESTS_PER_MINUTE. */
  perMinute?: number | undefined;
}

/** The principal a cron-started run is attributed to: nobody pressed a button. */
export const SCHEDULE_PRINCIPAL = 'schedule';

/** The principal of the legacy single token (RGS_API_TOKEN / GAMES_API_TOKEN) and of DASH_USER: every role. */
export const ADMIN_PRINCIPAL = 'admin';

/** The role, on both services, that may change Agenda's jobs through Agendash (requeue, pause, delete, create). */
export const JOBS_ADMIN_ROLE = 'jobs-admin';

/** The role, on both services, that reads: every query, and Agendash without changing anything. */
export const VIEWER_ROLE = 'viewer';

export function holds(principal: Principal, role: string): boolean {
  return principal.roles.has(role);
}
