/** The per-launch secret of browser mode: random, compared in constant time. */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export function createLaunchToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison (hashing first makes the lengths equal, so length is not leaked either). */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
