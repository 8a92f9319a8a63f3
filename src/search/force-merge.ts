import type { Client } from '@elastic/elasticsearch';

/**
 * Merges an index down to one segment and waits for it. The merge runs as a task that is polled:
 * at a million contacts it takes minutes, and the client cannot wait longer for one answer than
 * its own request timeout (the HTTP pool's header timeout; a longer per-request timeout is not
 * honoured), so a merge asked in one request was reported failed while it went on.
 */
export async function forceMergeToOneSegment(es: Client, index: string, pollMs = 2000): Promise<void> {
  const { task } = await es.indices.forcemerge({ index, max_num_segments: 1, wait_for_completion: false });
  if (!task) throw new Error(`force merge of ${index} started no task`);
  for (;;) {
    const status = await es.tasks.get({ task_id: task });
    if (status.completed) {
      if (status.error) throw new Error(`force merge of ${index} failed: ${JSON.stringify(status.error)}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
