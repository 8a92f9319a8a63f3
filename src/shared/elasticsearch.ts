import { Client, errors } from '@elastic/elasticsearch';

/** The node URLs of ELASTICSEARCH_URL: one, or a cluster's nodes separated by commas. */
export const elasticsearchNodes = (value: string) => value.split(',').map((url) => url.trim());

/** `url`: ELASTICSEARCH_URL, one node or several. */
export function createElasticsearchClient(url: string): Client {
  // Few retries and a bounded timeout: a request that cannot reach Elasticsearch should fail
  // fast (503 for the API, a retried job for the worker) rather than hang. With several nodes
  // the client spreads requests over them, and its one retry goes to another node, so a node
  // that has just died costs a request no error.
  return new Client({ nodes: elasticsearchNodes(url), maxRetries: 1, requestTimeout: 30000, compression: false });
}

/**
 * Whether a request failed because Elasticsearch cannot take any request now (gone, not
 * answering in time, overloaded, or still starting), rather than because of what was asked: a
 * write that meets this can wait in pending_sync for the sweep.
 */
export function isElasticsearchUnavailable(err: unknown): boolean {
  if (err instanceof errors.ConnectionError || err instanceof errors.NoLivingConnectionsError || err instanceof errors.TimeoutError) return true;
  return err instanceof errors.ResponseError && (err.statusCode === 429 || (err.statusCode ?? 0) >= 500);
}
