/**
 * How long a writer that lost a conditional write (another write landed between its read and
 * its write) waits before reading again: a random time up to a cap that doubles from 1 ms with
 * each attempt (250 ms at most). Retried at once, the same crowd collided again: of 40 writers
 * racing for one contact a quarter ran out of attempts (409), and of 50 custom attribute
 * definitions created at once in an account some ran out (then a 500), although each needed
 * one write.
 */
const MAX_BACKOFF_MS = 250;

export function conflictBackoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt)));
}
