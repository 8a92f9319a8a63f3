import { loadConfig, queryLimitsOf } from '../src/config';
import { DEFAULT_QUERY_LIMITS } from '../src/search/query-limits';
import { createElasticsearchClient, elasticsearchNodes } from '../src/shared/elasticsearch';

describe('configuration', () => {
  it('when NODE_ENV is production and CURSOR_SECRET is not set, then loading fails naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/invalid configuration: CURSOR_SECRET: must be set when NODE_ENV=production/);
  });

  it('when CURSOR_SECRET is shorter than 32 characters, then loading fails naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CURSOR_SECRET: 'short' })).toThrow(/CURSOR_SECRET: must be at least 32 characters/);
  });

  it('when production sets CURSOR_SECRET, then it is used; development and tests fall back to a fixed one', () => {
    const secret = 's'.repeat(40);
    expect(loadConfig({ NODE_ENV: 'production', CURSOR_SECRET: secret }).CURSOR_SECRET).toBe(secret);
    expect(loadConfig({ NODE_ENV: 'test' }).CURSOR_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).CURSOR_SECRET).toBe(loadConfig({ NODE_ENV: 'test' }).CURSOR_SECRET);
  });

  it('when TRUST_PROXY is true, then loading fails: express would take the left-most X-Forwarded-For address, which the client writes, and any client could pick the IP the rate limits count', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: .*hop count/);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
  });

  it('when no limit is set, then the filter limits are the documented defaults; each can be set', () => {
    expect(queryLimitsOf(loadConfig({}))).toEqual(DEFAULT_QUERY_LIMITS);
    expect(queryLimitsOf(loadConfig({ FILTER_MAX_WILDCARDS: '3', FILTER_MIN_WILDCARD_LENGTH: '4' }))).toMatchObject({ maxWildcards: 3, minWildcardLength: 4 });
    expect(loadConfig({}).SEARCH_TIMEOUT_MS).toBe(5000);
    expect(() => loadConfig({ FILTER_MAX_CONDITIONS: '0' })).toThrow(/FILTER_MAX_CONDITIONS/);
  });

  it('when ELASTICSEARCH_URL names several nodes separated by commas, then each is a URL of the client; anything else fails naming it', () => {
    const url = 'http://127.0.0.1:9400, http://127.0.0.1:9401,http://127.0.0.1:9402';
    expect(loadConfig({ ELASTICSEARCH_URL: url }).ELASTICSEARCH_URL).toBe(url);
    expect(elasticsearchNodes(url)).toEqual(['http://127.0.0.1:9400', 'http://127.0.0.1:9401', 'http://127.0.0.1:9402']);
    expect(createElasticsearchClient(url).connectionPool.size).toBe(3);
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'http://127.0.0.1:9400,not a url' })).toThrow(/ELASTICSEARCH_URL/);
  });

  // Found by a black-box operator's read of the README: these passed the start and failed later, or silently.
  it('when a variable is set to nothing, then it is unset (its default), not 0', () => {
    expect(loadConfig({ PORT: '', SWEEP_GRACE_MS: ' ', MAX_PER_PAGE: '' })).toMatchObject({ PORT: 3000, SWEEP_GRACE_MS: 10000, MAX_PER_PAGE: 500 });
  });

  it('when WITH_WORKER is not true or false, then loading fails naming it; unset, each entry point keeps its own default', () => {
    expect(() => loadConfig({ WITH_WORKER: 'yes' })).toThrow(/WITH_WORKER: must be true or false/);
    expect(loadConfig({ WITH_WORKER: 'TRUE' }).WITH_WORKER).toBe(true);
    expect(loadConfig({ WITH_WORKER: '0' }).WITH_WORKER).toBe(false);
    expect(loadConfig({}).WITH_WORKER).toBeUndefined();
  });

  it.each([
    ['ELASTICSEARCH_URL', 'localhost:9200'],
    ['ELASTICSEARCH_URL', 'ftp://127.0.0.1:9200'],
    ['MONGODB_URI', 'garbage'],
    ['MONGODB_URI', '127.0.0.1:27017/contacts'],
    ['REDIS_URL', 'garbage'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', 'FALSE'],
    ['TRUST_PROXY', '1.5'],
    ['TRUST_PROXY', '10.0.0.0/33'],
  ])('when %s is %j, then loading fails naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`invalid configuration: ${name}: `));
  });

  it.each([
    ['MONGODB_URI', 'mongodb+srv://user:pw@cluster.example.net/contacts'],
    ['REDIS_URL', 'rediss://:secret@redis.example.net:6380/1'],
    ['TRUST_PROXY', '::1, 192.168.0.0/16, uniquelocal'],
    ['ELASTICSEARCH_URL', 'https://es.example.net:9243'],
  ])('when %s is %j, then it is taken', (name, value) => {
    expect(loadConfig({ [name]: value })[name as 'MONGODB_URI']).toBe(value);
  });
});
