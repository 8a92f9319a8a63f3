// Creates an account and its first administrator, and prints the ids, the administrator's
// password and API token (each shown this once: only their hashes are stored).
//   npm run create-account -- "Acme Support" admin@acme.test ["Ada Admin"]
// The password is generated unless ADMIN_PASSWORD is set (then it is not printed). A person who
// is a user already (of another account) becomes the administrator as they are: their password
// and API token are left alone (a new token would have stopped their scripts without a word).
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { createLogger } from '../src/shared/logger';
import { emailKey, isEmailAddress } from '../src/shared/email-address';

const USAGE = 'usage: npm run create-account -- ["Account name"] [admin email] ["Admin name"]   (ADMIN_PASSWORD=… to choose the password)';

async function main() {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg === '-h' || arg === '--help')) {
    console.log(USAGE);
    return;
  }
  // An option is no account name: `--help` made an account named "--help".
  const option = args.find((arg) => arg.startsWith('--'));
  if (option !== undefined) throw new Error(`unknown option ${option}; ${USAGE}`);
  if (args.length > 3) throw new Error(`at most three arguments; ${USAGE}`);
  const [name = 'My account', email = `admin+${Date.now()}@example.com`, userName = 'Administrator'] = args;
  // Before the account is made: an address refused afterwards would leave it without an administrator.
  if (!isEmailAddress(emailKey(email))) throw new Error(`${JSON.stringify(email)} is not an email address`);
  const config = loadConfig();
  const deps = await createDependencies(config, createLogger('warn'));
  try {
    const { accounts } = deps.services;
    const account = await accounts.createAccount(name);
    const given = process.env.ADMIN_PASSWORD || undefined;
    const { member, password, created } = await accounts.addMember(account.id, { role: 'administrator', name: userName, email, password: given });
    const userId = member.user._id;
    if (!created && given) console.error('ADMIN_PASSWORD was not applied: that person is a user already and keeps their password (npm run agents -- set-password changes it)');
    const unchanged = '(unchanged: an existing user';
    console.log(
      JSON.stringify(
        {
          account_id: account.id,
          user_id: userId,
          // As stored (lowercased): what signing in compares.
          email: member.user.email,
          password: created ? (given ? '(from ADMIN_PASSWORD)' : password) : `${unchanged})`,
          api_access_token: created ? await accounts.rotateApiToken(userId) : `${unchanged}; npm run agents -- reset-token --user ${userId} makes a new one)`,
        },
        null,
        2,
      ),
    );
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
