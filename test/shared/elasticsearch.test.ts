import { errors } from '@elastic/elasticsearch';
import { isElasticsearchUnavailable } from '../../src/shared/elasticsearch';

const answered = (statusCode: number) => new errors.ResponseError({ statusCode, body: { error: { type: 'x' } }, headers: {}, warnings: null } as never);

describe('isElasticsearchUnavailable', () => {
  it('when the node cannot be reached, does not answer in time, or answers 429 or 5xx, then it is unavailable', () => {
    expect(isElasticsearchUnavailable(new errors.ConnectionError('connect ECONNREFUSED'))).toBe(true);
    expect(isElasticsearchUnavailable(new errors.NoLivingConnectionsError('none', { body: null, statusCode: null, headers: {}, warnings: null } as never))).toBe(true);
    expect(isElasticsearchUnavailable(new errors.TimeoutError('timed out'))).toBe(true);
    expect(isElasticsearchUnavailable(answered(429))).toBe(true);
    expect(isElasticsearchUnavailable(answered(503))).toBe(true);
  });

  it('when the request itself was refused, or the error is not Elasticsearch\'s, then it is not', () => {
    expect(isElasticsearchUnavailable(answered(400))).toBe(false);
    expect(isElasticsearchUnavailable(answered(404))).toBe(false);
    expect(isElasticsearchUnavailable(new Error('worker died'))).toBe(false);
    expect(isElasticsearchUnavailable(undefined)).toBe(false);
  });
});
