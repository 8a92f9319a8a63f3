import { Client } from '@elastic/elasticsearch';

export function createElasticsearchClient(url: string): Client {
  // Few retries and a bounded timeout: a request that cannot reach Elasticsearch should fail
  // fast (503 for the API, a retried job for the worker) rather than hang.
  return new Client({ node: url, maxRetries: 1, requestTimeout: 30000, compression: false });
}
