import { Client } from '@elastic/elasticsearch';

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
