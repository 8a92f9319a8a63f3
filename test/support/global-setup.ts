import { connectMongo } from '../../src/shared/mongo';
import { dropTestIndex, testConfig } from './context';

/**
 * Every run starts from an empty test database and index, as on a fresh machine: leftovers of
 * earlier runs would only make FerretDB's collection scans (uniqueness checks) slower run by run.
 */
export default async function globalSetup(): Promise<void> {
  const config = testConfig();
  const conn = await connectMongo(config.MONGODB_URI);
  try {
    await conn.db!.dropDatabase();
  } finally {
    await conn.close();
  }
  await dropTestIndex(config);
}
