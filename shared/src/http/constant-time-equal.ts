import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares secrets without leaking their length or common prefix through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
