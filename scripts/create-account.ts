// Creates an account and its first administrator, and prints the ids, the administrator's
// password and API token (each shown this once: only their hashes are stored).
//   npm run create-account -- "Acme Support" admin@acme.test ["Ada Admin"]
// The password is generated unless ADMIN_PASSWORD is set (then it is not printed).
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { createLogger } from '../src/shared/logger';
import { emailKey, isEmailAddress } from '../src/shared/email-address';

async function main() {
  const [name = 'My account', email = `admin+${Date.now()}@example.com`, userName = 'Administrator'] = process.argv.slice(2);
  // Before the account is made: an address refused afterwards would leave it without an administrator.
  if (!isEmailAddress(emailKey(email))) throw new Error(`${JSON.stringify(email)} is not an email address`);
  const config = loadConfig();
  const deps = await createDependencies(config, createLogger('warn'));
  try {
    const account = await deps.services.accounts.createAccount(name);
    const given = process.env.ADMIN_PASSWORD || undefined;
    const user = await deps.services.accounts.createUser({ accountId: account.id, role: 'administrator', name: userName, email, password: given });
    const password = given ? '(from ADMIN_PASSWORD)' : user.password;
    console.log(JSON.stringify({ account_id: account.id, user_id: user.id, email, password, api_access_token: user.accessToken }, null, 2));
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
