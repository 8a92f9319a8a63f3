import type { Client } from '@elastic/elasticsearch';
import type { Logger } from 'pino';

/** A contact version the index has just acknowledged, and where a search would find it. */
export interface ProbedWrite {
  index: string;
  routing?: string;
  id: string;
  version: number;
  /** When the write was made in MongoDB (its updated_at). */
  writtenAt: number;
}

export interface SearchableProbeOptions {
  es: Client;
  /** Receives the seconds from a sampled write to the search that found it. */
  record(lagSeconds: number): void;
  logger: Logger;
  /** At most one write is followed at a time, and at most one a period. */
  everyMs?: number;
  /** How often the followed write is looked for: the measure's resolution. */
  pollMs?: number;
  /** A write older than this is a copy (reindex, a move), not a live write: not followed. */
  liveMs?: number;
  /**
   * How long after its acknowledgement a write is looked for: a refresh (every second) makes it
   * visible well within it, so past it the contact was deleted meanwhile (a search finds no newer
   * version of it), and the next write is followed instead.
   */
  followMs?: number;
}

/**
 * Measures what SPEC 7 calls freshness: the time from a write to a search finding it. The bulk
 * request's answer says the index has the version, but a search finds it only after the next
 * refresh; so a sample of acknowledged writes is looked for by a search (an `ids` query, which
 * reads what a refresh has made visible, unlike a GET) until it answers that version or a newer one.
 * One write at a time, at most one a period: a few searches a second, whatever the write rate.
 */
export function createSearchableProbe({ es, record, logger, everyMs = 1000, pollMs = 50, liveMs = 60000, followMs = 10000 }: SearchableProbeOptions) {
  let following = false;
  let lastStarted = 0;
  let stopped = false;

  async function follow(write: ProbedWrite): Promise<void> {
    const until = Date.now() + followMs;
    while (!stopped && Date.now() < until) {
      const found = await es
        .search({ index: write.index, routing: write.routing, query: { ids: { values: [write.id] } }, version: true, _source: false, size: 1, track_total_hits: false })
        .then((res) => res.hits.hits[0])
        .catch(() => undefined);
      if (found && (found._version ?? 0) >= write.version) {
        record(Math.max(0, Date.now() - write.writtenAt) / 1000);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    /**
     * Offers a bulk request's acknowledged writes; one of them is followed when no other is and the
     * period has passed. Given as a function: the list is made only then, not for every bulk request.
     */
    offer(writes: () => ProbedWrite[]): void {
      const now = Date.now();
      if (stopped || following || now - lastStarted < everyMs) return;
      const live = writes().find((w) => now - w.writtenAt < liveMs);
      if (!live) return;
      following = true;
      lastStarted = now;
      follow(live)
        .catch((err: unknown) => logger.debug({ err }, 'the searchable probe stopped'))
        .finally(() => {
          following = false;
        });
    },
    /** No new search after the one in flight (shutdown). */
    stop(): void {
      stopped = true;
    },
  };
}

export type SearchableProbe = ReturnType<typeof createSearchableProbe>;
