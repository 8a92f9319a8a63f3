// Creates an account and its first administrator, and prints the ids and the access token.
//   npm run create-account -- "Acme Support" admin@acme.test
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { createLogger } from '../src/shared/logger';

async function main() {
  const [name = 'My account', email = `admin+${Date.now()}@example.com`] = process.argv.slice(2);
  const config = loadConfig();
  const deps = await createDependencies(config, createLogger('warn'));
  try {
    const account = await deps.services.accounts.createAccount(name);
    const user = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: 'Administrator', email });
    console.log(JSON.stringify({ account_id: account.id, user_id: user.id, api_access_token: user.accessToken }, null, 2));
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
