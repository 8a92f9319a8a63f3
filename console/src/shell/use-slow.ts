import { useEffect, useState } from 'react';

/**
 * Whether `busy` has lasted longer than `afterMs`: a note that a request is slow shows only then,
 * so that the quick reads of every sort and page do not flicker it.
 */
export function useSlow(busy: boolean, afterMs = 300): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!busy) {
      setSlow(false);
      return;
    }
    const timer = setTimeout(() => setSlow(true), afterMs);
    return () => clearTimeout(timer);
  }, [busy, afterMs]);
  return slow;
}
