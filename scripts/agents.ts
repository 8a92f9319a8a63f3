// The people of an account, from the command line (an operator's tool: no token needed).
//   npm run agents -- list --account 1
//   npm run agents -- add --account 1 --email ana@acme.test --name "Ana" [--role administrator]
//   npm run agents -- role --account 1 --user 7 --role administrator
//   npm run agents -- remove --account 1 --user 7
//   npm run agents -- reset-token --user 7       (a new API token; the old one stops working)
//   npm run agents -- set-password --user 7      (ends the user's sessions)
//   npm run agents -- --help                     (this usage)
// A new password is generated and printed once, unless AGENT_PASSWORD is set.
import { parseArgs } from 'node:util';
import { toAgentPayload } from '../src/accounts/agent.presenter';
import { newPassword } from '../src/accounts/credentials';
import { ROLES, type Role } from '../src/accounts/account.model';
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import { createLogger } from '../src/shared/logger';

const USAGE = 'usage: npm run agents -- list|add|role|remove|reset-token|set-password [--account N] [--user N] [--email E] [--name N] [--role administrator|agent]';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { account: { type: 'string' }, user: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return;
  }
  const number = (name: 'account' | 'user') => {
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} <id> is required\n${USAGE}`);
    return value;
  };
  const role = (fallback?: Role): Role => {
    const value = values.role ?? fallback;
    if (!ROLES.includes(value as Role)) throw new Error(`--role must be administrator or agent\n${USAGE}`);
    return value as Role;
  };
  const given = process.env.AGENT_PASSWORD || undefined;

  const config = loadConfig();
  const deps = await createDependencies(config, createLogger('warn'));
  const accounts = deps.services.accounts;
  const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
  try {
    switch (command) {
      case 'list': {
        const accountId = number('account');
        print((await accounts.membersOf(accountId)).map((m) => toAgentPayload(accountId, m)));
        break;
      }
      case 'add': {
        const accountId = number('account');
        if (!values.email) throw new Error(`--email is required\n${USAGE}`);
        const { member, password } = await accounts.addMember(accountId, { email: values.email, name: values.name ?? values.email, role: role('agent'), password: given });
        print({ ...toAgentPayload(accountId, member), password });
        break;
      }
      case 'role': {
        const accountId = number('account');
        print(toAgentPayload(accountId, await accounts.changeAgent(accountId, number('user'), { role: role() })));
        break;
      }
      case 'remove':
        await accounts.removeMember(number('account'), number('user'));
        print({ removed: true });
        break;
      case 'reset-token':
        print({ user_id: number('user'), api_access_token: await accounts.rotateApiToken(number('user')) });
        break;
      case 'set-password': {
        const password = given ?? newPassword();
        await accounts.setPassword(number('user'), password);
        print({ user_id: number('user'), password: given ? '(from AGENT_PASSWORD)' : password });
        break;
      }
      default:
        throw new Error(USAGE);
    }
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
