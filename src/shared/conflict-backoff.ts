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

const MIN_ATTEMPTS = 20;
const RETRY_WINDOW_MS = 5000;

/**
 * The attempts of one conditional write: at least MIN_ATTEMPTS, and more for as long as the first
 * began under RETRY_WINDOW_MS ago. A count alone ran out on a loaded machine, where each read and
 * write of the crowd takes longer (40 writers to one contact, load average 9: two 409s); a window
 * alone gives a slow machine fewer attempts.
 */
export function conflictRetries() {
  const started = Date.now();
  let attempt = 0;
  return {
    /** How many attempts have been made (the one that just lost included). */
    get made() {
      return attempt + 1;
    },
    /** After a lost attempt: waits a random backoff and answers true, or answers false when the attempts are used up. */
    async again(): Promise<boolean> {
      if (attempt + 1 >= MIN_ATTEMPTS && Date.now() - started >= RETRY_WINDOW_MS) return false;
      await conflictBackoff(attempt++);
      return true;
    },
  };
}
