import { connectMongo, withoutCredentials } from '../../src/shared/mongo';

describe('connecting to MongoDB at start', () => {
  // A process that could not reach MongoDB exited saying only "connect ECONNREFUSED 127.0.0.1:1".
  it('when nothing answers, then the error names MongoDB, the address without its password, and MONGODB_URI', async () => {
    const uri = 'mongodb://app:s3cret@127.0.0.1:1/contacts';
    await expect(connectMongo(uri, { timeoutMs: 200, connectWithinMs: 300 })).rejects.toThrow(
      /^MongoDB at mongodb:\/\/127\.0\.0\.1:1\/contacts \(MONGODB_URI\) could not be reached: .*ECONNREFUSED/,
    );
  });

  it('when a connection string holds credentials, then they are left out of what is shown', () => {
    expect(withoutCredentials('mongodb+srv://user:pw@cluster.example.net/db?retryWrites=true')).toBe('mongodb+srv://cluster.example.net/db?retryWrites=true');
    expect(withoutCredentials('mongodb://127.0.0.1:27017/contacts')).toBe('mongodb://127.0.0.1:27017/contacts');
  });
});
