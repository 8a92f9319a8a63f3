import { isElasticsearchUnavailable } from './elasticsearch';
import { UnavailableError } from './errors';
import type { Logger } from './logger';
import { isMongoUnavailable } from './mongo';
import type { Queue } from './queues';

/** MongoDB or Elasticsearch cannot be reached (a search answers that as an UnavailableError): the job can go on once it is back. */
export const isStoreAway = (err: unknown): boolean => isMongoUnavailable(err) || isElasticsearchUnavailable(err) || err instanceof UnavailableError;

/**
 * A background job (an import, a bulk action, a label's removal…) whose last attempt failed
 * because MongoDB or Elasticsearch was away is queued again after `delayMs`, and again after
 * that while the store stays away, instead of being given up: its attempts are spaced for a
 * failure of the job, and a database restart of 15 seconds used them all. Given up, an import
 * stayed `processing` and a bulk action `running` for good (marking them failed needs MongoDB
 * too), and a restart did not take them up (the failed job kept their job id); a bulk action
 * with Elasticsearch away failed half done. Each of these jobs resumes where it stopped or does
 * nothing twice.
 */
export function resumeWhenStoreBack<T>(queue: Queue.Queue<T>, { delayMs, logger, what }: { delayMs: number; logger: Logger; what: string }): void {
  queue.on('failed', (job, err) => {
    if (!isLastAttempt(job) || !isStoreAway(err)) return;
    logger.warn({ jobId: job.id, data: job.data, err }, `${what} stopped with a store away; queued again in ${delayMs} ms`);
    void queueAgain(queue, job, delayMs).catch((e: unknown) => logger.error({ err: e, jobId: job.id }, `${what} not queued again after a store came back`));
  });
}

export const isLastAttempt = (job: Queue.Job<unknown>): boolean => job.attemptsMade >= (job.opts.attempts ?? 1);

/** The same job, fresh attempts, under the same job id (a failed job holding it is removed first). */
export async function queueAgain<T>(queue: Queue.Queue<T>, job: Queue.Job<T>, delayMs = 0): Promise<void> {
  await job.remove();
  await queue.add(job.data, { jobId: job.opts.jobId, delay: delayMs });
}

/**
 * Queues the job under `jobId` unless one waits or runs under it already; a failed one holding
 * the id (given up while MongoDB was away, in a process that died before queueing it again) is
 * replaced. A plain add with the id of a failed job does nothing.
 */
export async function addUnlessQueued<T>(queue: Queue.Queue<T>, data: T, jobId: string): Promise<void> {
  const held = await queue.getJob(jobId);
  if (held && (await held.isFailed())) await queueAgain(queue, held);
  else await queue.add(data, { jobId });
}
