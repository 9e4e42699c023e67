import { ANY_PRINCIPAL, type AccessPolicy } from '../../shared/src/auth/access-policy.js';
import type { DevelopmentPrincipal } from '../../shared/src/auth/auth-config.js';
import { JOBS_ADMIN_ROLE, VIEWER_ROLE } from '../../shared/src/auth/principal.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';

/** The roles of Games, named for what a caller may do. */
export const GamesRole = {
  VIEWER: VIEWER_ROLE,
  /** `cleanupGameTables` (phase 1): the role RGS's key holds, and nothing destructive beyond it. */
  CLEANUP: 'cleanup',
  /** Phase 2: hard-deletes (`purgeArchived`) or undoes (`restoreArchived`); a person's role, never RGS's. */
  PURGER: 'purger',
  JOBS_ADMIN: JOBS_ADMIN_ROLE,
} as const;

export const GAMES_ROLES: readonly string[] = Object.values(GamesRole);

/** Which role each verb of the Games API needs; the service refuses to start if a verb is missing here. */
export const GAMES_ACCESS: AccessPolicy = {
  roles: GAMES_ROLES,
  queries: GamesRole.VIEWER,
  queryOverrides: { me: ANY_PRINCIPAL },
  mutations: {
    cleanupGameTables: GamesRole.CLEANUP,
    purgeArchived: GamesRole.PURGER,
    restoreArchived: GamesRole.PURGER,
  },
};

/** Made in development when GAMES_API_KEYS is unset: RGS's least-privilege key, and a purge operator's. */
export const GAMES_DEVELOPMENT_PRINCIPALS: readonly DevelopmentPrincipal[] = [
  { name: 'rgs', roles: [GamesRole.CLEANUP, GamesRole.VIEWER], key: DEVELOPMENT_SECRETS.gamesRgsKey },
  { name: 'purger', roles: [GamesRole.VIEWER, GamesRole.PURGER], key: DEVELOPMENT_SECRETS.gamesPurgerKey },
];
