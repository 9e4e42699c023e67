import { ANY_PRINCIPAL, type AccessPolicy } from '../../shared/src/auth/access-policy.js';
import type { DevelopmentPrincipal } from '../../shared/src/auth/auth-config.js';
import { JOBS_ADMIN_ROLE, VIEWER_ROLE } from '../../shared/src/auth/principal.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';

/** The roles of RGS, named for what a person may do. */
export const RgsRole = {
  VIEWER: VIEWER_ROLE,
  /** Starts and cancels runs, sends a failed dispatch again. */
  OPERATOR: 'operator',
  /** Lets a run held by the blast-radius limit go; never the run's own starter (two-person approval). */
  APPROVER: 'approver',
  JOBS_ADMIN: JOBS_ADMIN_ROLE,
} as const;

export const RGS_ROLES: readonly string[] = Object.values(RgsRole);

/** Which role each verb of the RGS API needs; the service refuses to start if a verb is missing here. */
export const RGS_ACCESS: AccessPolicy = {
  roles: RGS_ROLES,
  queries: RgsRole.VIEWER,
  queryOverrides: { me: ANY_PRINCIPAL },
  mutations: {
    startCleanup: RgsRole.OPERATOR,
    cancelCleanupRun: RgsRole.OPERATOR,
    retryDispatch: RgsRole.OPERATOR,
    approveCleanupRun: RgsRole.APPROVER,
  },
};

/** Made in development when RGS_API_KEYS is unset: two people, so two-person approval can be tried. */
export const RGS_DEVELOPMENT_PRINCIPALS: readonly DevelopmentPrincipal[] = [
  { name: 'operator', roles: [RgsRole.VIEWER, RgsRole.OPERATOR], key: DEVELOPMENT_SECRETS.rgsOperatorKey },
  { name: 'approver', roles: [RgsRole.VIEWER, RgsRole.APPROVER], key: DEVELOPMENT_SECRETS.rgsApproverKey },
];
