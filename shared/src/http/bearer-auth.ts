import { constantTimeEqual } from './constant-time-equal.js';

/** True when the Authorization header carries `Bearer <token>`. */
export function hasBearerToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1] !== undefined && constantTimeEqual(match[1].trim(), token);
}
