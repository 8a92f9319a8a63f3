import { createHash, randomUUID } from 'node:crypto';
import { createTokens } from '../../src/accounts/tokens';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';

let ctx: TestContext;
let account: TestAccount;

withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { worker: false },
);

const as = (token: string) => ({ api_access_token: token });
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const email = (who: string) => `${who}-${randomUUID()}@people.test`;
const listLabels = (acc: TestAccount, token: string) => ctx.http.get(acc.path('/labels')).set(as(token));
const signIn = (body: object) => ctx.http.post('/auth/sign_in').send(body);

/** A fresh administrator with a known password and its API token. */
async function person(acc: TestAccount, role: 'administrator' | 'agent' = 'administrator') {
  const address = email(role);
  const password = `pw-${randomUUID()}`;
  const user = await ctx.deps.services.accounts.createUser({ accountId: acc.id, role, name: `Someone ${role}`, email: address, password });
  return { id: user.id, email: address, password, token: user.accessToken };
}

describe('access tokens', () => {
  it('when a user is made, then MongoDB holds only the hash of its token, found by _id', async () => {
    const me = await person(account);
    const user = await ctx.deps.models.users.findById(me.id).lean();
    expect(JSON.stringify(user)).not.toContain(me.token);
    expect(user!.api_token_id).toBe(sha256(me.token));
    const stored = await ctx.deps.models.accessTokens.findById(sha256(me.token)).lean();
    expect(stored).toMatchObject({ user_id: me.id, kind: 'api' });
    expect(JSON.stringify(await ctx.deps.models.accessTokens.find({ user_id: me.id }).lean())).not.toContain(me.token);
    expect(user!.password_hash).toMatch(/^\$2[aby]\$/);
  });

  it('when a user resets its token, then the new one is shown once and works, and the old one is a 401 at once', async () => {
    const me = await person(account);
    const reset = await ctx.http.post('/api/v1/profile/reset_access_token').set(as(me.token));
    expect(reset.status).toBe(200);
    const fresh = reset.body.access_token as string;
    expect(fresh).not.toBe(me.token);
    expect((await listLabels(account, me.token)).status).toBe(401);
    expect((await listLabels(account, fresh)).status).toBe(200);
    expect((await ctx.http.get('/api/v1/profile').set(as(fresh))).body).toMatchObject({ id: me.id, has_api_token: true });
    expect((await ctx.http.get('/api/v1/profile').set(as(fresh))).body.access_token).toBeUndefined();
    expect(await ctx.deps.models.accessTokens.findById(sha256(me.token)).lean()).toBeNull();
  });

  // Two rotations at once both answered 200, and the token one of them showed had already been
  // deleted by the other. The later one is made certain here: it rotates from the token it read
  // before the first rotation landed.
  it('when a reset rotates from a token another reset has replaced meanwhile, then it answers 409 and the token the other answered keeps working', async () => {
    const me = await person(account);
    const tokens = createTokens({ tokens: ctx.deps.models.accessTokens, users: ctx.deps.models.users, sessionTtlMs: 60_000 });
    const seen = (await ctx.deps.models.users.findById(me.id).lean())!.api_token_id;
    const first = await tokens.rotateApiToken(me.id, seen);
    await expect(tokens.rotateApiToken(me.id, seen)).rejects.toThrow(/rotated by another request meanwhile/);
    expect((await listLabels(account, first)).status).toBe(200);
    expect(await ctx.deps.models.accessTokens.countDocuments({ user_id: me.id, kind: 'api' })).toBe(1);
  });

  it('when a user revokes its token, then it is a 401 at once and the profile says there is none', async () => {
    const me = await person(account);
    const session = (await signIn({ email: me.email, password: me.password })).body.data.access_token as string;
    expect((await ctx.http.delete('/api/v1/profile/access_token').set(as(me.token))).status).toBe(200);
    expect((await listLabels(account, me.token)).status).toBe(401);
    const profile = await ctx.http.get('/api/v1/profile').set(as(session));
    expect(profile.body.has_api_token).toBe(false);
  });

  it('when the token comes as Api-Access-Token (dashed, as n8n and proxies send it), then it is the same token', async () => {
    expect((await listLabels(account, account.adminToken)).status).toBe(200);
    expect((await ctx.http.get(account.path('/labels')).set('Api-Access-Token', account.adminToken)).status).toBe(200);
    expect((await ctx.http.get('/api/v1/profile').set('api-access-token', account.adminToken)).status).toBe(200);
    expect((await ctx.http.get(account.path('/labels')).set('Api-Access-Token', 'not-a-token')).status).toBe(401);
  });

  // "invalid api_access_token" said nothing of why, and two names with two tokens took one in silence (black-box read of hostile input).
  it('when the token is sent twice, or under both names with different tokens, then the 401 says so; both names with one token pass', async () => {
    const labels = () => ctx.http.get(account.path('/labels'));
    expect((await labels().set('api_access_token', account.adminToken).set('Api-Access-Token', account.adminToken)).status).toBe(200);
    const both = await labels().set('api_access_token', account.adminToken).set('Api-Access-Token', account.agentToken);
    expect(both.status).toBe(401);
    expect(both.body.error).toBe('api_access_token and Api-Access-Token were both sent, with different tokens: send one');
    const twice = await labels().set('api_access_token', [account.adminToken, account.adminToken] as unknown as string);
    expect(twice.status).toBe(401);
    expect(twice.body.error).toBe('api_access_token was sent more than once: send it once');
  });

  // RFC 9110 requires a 401 to say how to authenticate (WWW-Authenticate); none did (black-box audit).
  it('when a token is missing or unknown, then the profile answers 401 naming the header to send', async () => {
    const missing = await ctx.http.get('/api/v1/profile');
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'api_access_token realm="api", header="api_access_token"']);
    const unknown = await ctx.http.get(account.path('/contacts')).set(as('not-a-token'));
    expect([unknown.status, unknown.headers['www-authenticate']]).toEqual([401, 'api_access_token realm="api", header="api_access_token"']);
  });
});

describe('sign-in, sessions and passwords', () => {
  it("when a user signs in with email and password, then it gets Chatwoot's shape with a session token that works on its account", async () => {
    const me = await person(account);
    const res = await signIn({ email: me.email.toUpperCase(), password: me.password });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: me.id, email: me.email, uid: me.email, provider: 'email', account_id: account.id, role: 'administrator' });
    expect(res.body.data.accounts).toEqual([expect.objectContaining({ id: account.id, role: 'administrator' })]);
    expect(res.body.data.expires_at).toBeGreaterThan(Date.now() / 1000);
    const session = res.body.data.access_token as string;
    expect(session).not.toBe(me.token);
    expect((await listLabels(account, session)).status).toBe(200);
    expect((await ctx.deps.models.accessTokens.findById(sha256(session)).lean())?.kind).toBe('session');
  });

  it('when an email is typed in fullwidth letters or with a Turkish capital I, then it names the same user', async () => {
    const me = await person(account);
    // What a Japanese or Chinese input method left on types: every character its fullwidth form.
    const fullwidth = [...me.email].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
    expect((await signIn({ email: fullwidth, password: me.password })).body.data).toMatchObject({ id: me.id, email: me.email });
    const turkish = `İnfo-${randomUUID()}@people.test`;
    const user = await ctx.deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Turkish', email: turkish, password: me.password });
    for (const typed of [turkish, turkish.toLowerCase(), turkish.replace('İ', 'I'), turkish.replace('İ', 'i')]) {
      expect((await signIn({ email: typed, password: me.password })).body.data).toMatchObject({ id: user.id });
    }
  });

  it('when a user was made with a key of the older normalization, then it still signs in', async () => {
    const me = await person(account);
    // Before, a key was the email trimmed and lowercased only: a decomposed é stayed decomposed.
    const decomposed = `Jose\u0301-${randomUUID()}@people.test`;
    const legacyKey = decomposed.toLowerCase();
    await ctx.deps.models.users.updateOne({ _id: me.id }, { $set: { email: legacyKey } });
    await ctx.deps.models.userEmails.create({ _id: legacyKey, user_id: me.id, created_at: new Date() });
    expect((await signIn({ email: decomposed, password: me.password })).body.data).toMatchObject({ id: me.id });
  });

  it('when the password is wrong or the email unknown, then both answer the same 401', async () => {
    const me = await person(account);
    const wrong = await signIn({ email: me.email, password: 'wrong password' });
    const unknown = await signIn({ email: email('nobody'), password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toBe(unknown.body.error);
    expect((await signIn({ email: me.email })).status).toBe(422);
  });

  // bcrypt reads 72 bytes: the password with anything typed after it signed in (a black-box tester).
  it('when a password of 72 bytes is typed with more after it, then it is the same 401 as a wrong one; typed as set, it signs in', async () => {
    const address = email('long-password');
    const password = `${'p'.repeat(70)}ñ`;
    expect(Buffer.byteLength(password)).toBe(72);
    await ctx.deps.services.accounts.createUser({ accountId: account.id, role: 'agent', name: 'Long Password', email: address, password });
    expect((await signIn({ email: address, password })).status).toBe(200);
    const longer = await signIn({ email: address, password: `${password}EXTRA` });
    expect(longer.status).toBe(401);
    expect(longer.body.error).toBe((await signIn({ email: address, password: 'wrong password' })).body.error);
  });

  it('when a session signs out, then that session is a 401 and the API token still works', async () => {
    const me = await person(account);
    const session = (await signIn({ email: me.email, password: me.password })).body.data.access_token as string;
    expect((await ctx.http.delete('/auth/sign_out').set(as(session))).status).toBe(200);
    expect((await listLabels(account, session)).status).toBe(401);
    expect((await listLabels(account, me.token)).status).toBe(200);
  });

  it('when a session has expired, then it is a 401', async () => {
    const me = await person(account);
    const session = (await signIn({ email: me.email, password: me.password })).body.data.access_token as string;
    await ctx.deps.models.accessTokens.updateOne({ _id: sha256(session) }, { $set: { expires_at: new Date(Date.now() - 1000) } });
    const res = await listLabels(account, session);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/expired/);
  });

  it('when a user changes its password, then the current one is required, every session ends, and only the new password signs in', async () => {
    const me = await person(account);
    const session = (await signIn({ email: me.email, password: me.password })).body.data.access_token as string;
    const put = (body: object) => ctx.http.put('/api/v1/profile').set(as(me.token)).send(body);
    expect((await put({ password: 'new-password-1' })).body.field).toBe('current_password');
    expect((await put({ password: 'new-password-1', current_password: 'not it' })).body.field).toBe('current_password');
    expect((await put({ password: 'short', current_password: me.password })).body.field).toBe('password');
    // Eight spaces (or tabs, no-break spaces) passed the length rule and signed in (black-box read).
    for (const blank of ['        ', '\t\t\t\t\u00a0\u00a0\u00a0\u00a0']) {
      expect((await put({ password: blank, current_password: me.password })).body).toMatchObject({ error: 'password must hold a character other than spaces', field: 'password' });
    }
    expect((await put({ password: 'new-password-1', password_confirmation: 'other', current_password: me.password })).body.field).toBe('password_confirmation');
    const changed = await put({ profile: { password: 'new-password-1', password_confirmation: 'new-password-1', current_password: me.password, name: 'Renamed' } });
    expect(changed.status).toBe(200);
    expect(changed.body.name).toBe('Renamed');
    expect((await listLabels(account, session)).status).toBe(401);
    expect((await listLabels(account, me.token)).status).toBe(200);
    expect((await signIn({ email: me.email, password: me.password })).status).toBe(401);
    expect((await signIn({ email: me.email, password: 'new-password-1' })).status).toBe(200);
    expect((await ctx.http.patch('/api/v1/profile').set(as(me.token)).send({ unknown: 1 })).status).toBe(422);
  });

  // Chatwoot's dashboard saves the profile with name, display_name and the user's email: it was a
  // 422 for both extra fields, so such a client could not rename its user.
  it('when a profile is saved as Chatwoot clients send it, then the display name is kept and answered, and the own email is taken as answered', async () => {
    const me = await person(account);
    const put = (body: object) => ctx.http.put('/api/v1/profile').set(as(me.token)).send(body);
    const saved = await put({ profile: { name: 'Ana Agent', display_name: ' Ana ', email: me.email.toUpperCase() } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ name: 'Ana Agent', display_name: 'Ana', available_name: 'Ana', email: me.email });
    expect((await ctx.http.get('/api/v1/profile').set(as(me.token))).body).toMatchObject({ display_name: 'Ana', available_name: 'Ana' });
    const agents = await ctx.http.get(account.path('/agents')).set(as(account.adminToken)).expect(200);
    expect(agents.body.find((a: { id: number }) => a.id === me.id)).toMatchObject({ name: 'Ana Agent', available_name: 'Ana' });

    const other = await put({ profile: { email: 'someone-else@people.test' } });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ field: 'email', error: expect.stringContaining('email cannot be changed here') });
    const cleared = await put({ display_name: '' });
    expect(cleared.body).toMatchObject({ display_name: null, available_name: 'Ana Agent' });
    expect((await put({ display_name: 'x'.repeat(256) })).body.field).toBe('display_name');
  });
});

describe('agents', () => {
  const agents = (acc: TestAccount, token: string) => ({
    list: () => ctx.http.get(acc.path('/agents')).set(as(token)),
    add: (body: object) => ctx.http.post(acc.path('/agents')).set(as(token)).send(body),
    change: (id: number, body: object) => ctx.http.patch(acc.path(`/agents/${id}`)).set(as(token)).send(body),
    remove: (id: number) => ctx.http.delete(acc.path(`/agents/${id}`)).set(as(token)),
  });

  it('when an administrator adds an agent, then its generated password is shown once, it signs in and is listed; agents may list but not add', async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const address = email('new-agent');
    const added = await admin.add({ name: 'Nina Agent', email: address.toUpperCase() });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ account_id: acc.id, name: 'Nina Agent', email: address, role: 'agent' });
    expect(typeof added.body.password).toBe('string');
    const session = await signIn({ email: address, password: added.body.password });
    expect(session.status).toBe(200);
    expect((await listLabels(acc, session.body.data.access_token)).status).toBe(200);
    const list = await agents(acc, acc.agentToken).list();
    expect(list.status).toBe(200);
    expect(list.body.map((a: { email: string }) => a.email)).toContain(address);
    expect(list.body).toHaveLength(3);
    const refused = await agents(acc, acc.agentToken).add({ name: 'X', email: email('x') });
    expect(refused.status).toBe(403);
    // It names what was refused (it said "only administrators may do this").
    expect(refused.body.error).toBe(`only administrators may POST /api/v1/accounts/${acc.id}/agents; this caller is an agent of the account`);
    expect((await admin.add({ name: 'Again', email: address })).body.field).toBe('email');
    expect((await admin.add({ name: 'Bad', email: 'not-an-email' })).body.field).toBe('email');
    expect((await admin.add({ name: 'Given', email: email('given'), password: 'short' })).body.field).toBe('password');
    expect((await admin.add({ name: 'Blank', email: email('blank'), password: '          ' })).body.field).toBe('password');
  });

  // Chatwoot's controller reads params.require(:agent): it was a 422 "Unrecognized key" here (a black-box tester).
  it('when an agent is added or changed with its fields wrapped in "agent", as Chatwoot takes them, then it is the same as bare; fields beside the wrapper are a 422', async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const added = await admin.add({ agent: { name: 'Wrapped Agent', email: email('wrapped'), role: 'agent' } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ name: 'Wrapped Agent', role: 'agent' });
    const changed = await admin.change(added.body.id, { agent: { role: 'administrator' } });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('administrator');
    const beside = await admin.add({ agent: { name: 'Beside', email: email('beside') }, role: 'administrator' });
    expect(beside.status).toBe(422);
    expect(beside.body.error).toMatch(/fields beside "agent" would not be read: "role"/);
  });

  it("when an agent is added with Chatwoot's availability_status and auto_offline unset (null), as its SDKs send them, then it is added online, going offline automatically (Chatwoot's defaults)", async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const added = await admin.add({ name: 'Sdk Agent', email: email('sdk'), role: 'agent', availability_status: null, auto_offline: null });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ name: 'Sdk Agent', role: 'agent', availability_status: 'online', auto_offline: true });
  });

  // Chatwoot's dashboard sends the availability with every edit of an agent (name, role,
  // availability): it was a 422, so such a client could not change a role.
  it("when an agent is added or edited with an availability, as Chatwoot's dashboard and API document send it, then it is kept in the account and listed", async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const added = await admin.add({ name: 'Busy Agent', email: email('busy'), availability_status: 'busy', auto_offline: false });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ availability_status: 'busy', auto_offline: false });
    const edited = await admin.change(added.body.id, { name: 'Busy Agent', role: 'administrator', availability: 'offline' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ role: 'administrator', availability_status: 'offline', auto_offline: false });
    // The API document's word for online.
    expect((await admin.change(added.body.id, { availability_status: 'available', auto_offline: true })).body).toMatchObject({ availability_status: 'online', auto_offline: true });
    const listed = (await admin.list()).body.find((a: { id: number }) => a.id === added.body.id);
    expect(listed).toMatchObject({ role: 'administrator', availability_status: 'online', auto_offline: true });
  });

  it('when an availability is not one Chatwoot has, or is given twice with two values, then it is a 422 naming it, and the agent is unchanged', async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const added = await admin.add({ name: 'Steady Agent', email: email('steady') });
    const away = await admin.change(added.body.id, { availability: 'away' });
    expect(away.status).toBe(422);
    expect(away.body).toMatchObject({ field: 'availability', error: expect.stringContaining('must be one of online (or available), busy, offline') });
    const twice = await admin.change(added.body.id, { availability: 'busy', availability_status: 'offline' });
    expect(twice.status).toBe(422);
    expect(twice.body.field).toBe('availability');
    expect((await admin.change(added.body.id, { auto_offline: 'maybe' })).body.field).toBe('auto_offline');
    const listed = (await admin.list()).body.find((a: { id: number }) => a.id === added.body.id);
    expect(listed).toMatchObject({ availability_status: 'online', auto_offline: true });
  });

  it('when an agent is added with an address in another script, then it is taken as a contact email is, and refused where a contact email would be', async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const local = `ünal-${randomUUID()}`;
    const added = await admin.add({ name: 'Ünal', email: `${local.toUpperCase()}@Örnek.TEST` });
    expect(added.status).toBe(200);
    expect(added.body.email).toBe(`${local}@örnek.test`);
    expect((await signIn({ email: `${local}@ÖRNEK.test`, password: added.body.password })).body.data).toMatchObject({ id: added.body.id });
    for (const bad of ['a@b', 'two@@x.io', 'a b@x.io', 'zero\u200bwidth@x.io', '@x.io']) {
      const res = await admin.add({ name: 'Bad', email: bad });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ field: 'email' });
    }
  });

  it('when an existing user of another account is added by email, then it joins with its own password and signs in to both', async () => {
    const other = await ctx.createAccount();
    const me = await person(account, 'agent');
    const added = await agents(other, other.adminToken).add({ name: 'ignored', email: me.email, role: 'administrator', password: 'ignored-password' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ id: me.id, role: 'administrator', password: null });
    const res = await signIn({ email: me.email, password: me.password });
    expect(res.body.data.accounts.map((a: { id: number; role: string }) => [a.id, a.role])).toEqual([
      [account.id, 'agent'],
      [other.id, 'administrator'],
    ]);
    expect((await listLabels(other, me.token)).status).toBe(200);
  });

  it('when one new email is added to several accounts at once, then it is one user who joins every account', async () => {
    const accounts = await Promise.all(Array.from({ length: 4 }, () => ctx.createAccount()));
    const address = email('everywhere');
    const results = await Promise.all(accounts.map((acc) => agents(acc, acc.adminToken).add({ name: 'Everywhere', email: address })));
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    // One of them made the user and shows its password once; the others joined it.
    const made = results.filter((r) => typeof r.body.password === 'string');
    expect(made).toHaveLength(1);
    const session = await signIn({ email: address, password: made[0]!.body.password });
    expect(session.body.data.accounts.map((a: { id: number }) => a.id).sort()).toEqual(accounts.map((a) => a.id).sort());
  });

  it('when an agent is made administrator, then it may act as one; when it is removed, then its token is a 401 on that account at once', async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const me = await person(acc, 'agent');
    expect((await agents(acc, me.token).add({ name: 'Y', email: email('y') })).status).toBe(403);
    const promoted = await admin.change(me.id, { role: 'administrator' });
    expect(promoted.body).toMatchObject({ id: me.id, role: 'administrator' });
    expect((await agents(acc, me.token).add({ name: 'Y', email: email('y') })).status).toBe(200);
    expect((await ctx.http.put(acc.path(`/agents/${me.id}`)).set(as(acc.adminToken)).send({ role: 'agent' })).body.role).toBe('agent');
    expect((await admin.remove(me.id)).status).toBe(200);
    expect((await listLabels(acc, me.token)).status).toBe(401);
    expect((await admin.remove(me.id)).status).toBe(404);
    expect((await admin.change(999999999, { role: 'agent' })).status).toBe(404);
    expect((await ctx.http.get('/api/v1/profile').set(as(me.token))).body.accounts).toEqual([]);
  });

  // From a black-box read: Chatwoot's dashboard sends the name with the role, and that was a 422.
  it("when an administrator sends an agent's name with its role, as Chatwoot's dashboard does, then both change; a user of other accounts too keeps their name, with a 422 naming it", async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const added = await admin.add({ name: 'Nina Agent', email: email('renamed') });
    const changed = await admin.change(added.body.id, { name: '  Nina Ortiz ', role: 'administrator', availability: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: added.body.id, name: 'Nina Ortiz', role: 'administrator' });
    expect((await admin.list()).body.find((a: { id: number }) => a.id === added.body.id)).toMatchObject({ name: 'Nina Ortiz', role: 'administrator' });
    expect((await admin.change(added.body.id, {})).body).toMatchObject({ name: 'Nina Ortiz', role: 'administrator' });
    expect((await admin.change(added.body.id, { name: '' })).body).toMatchObject({ field: 'name', error: 'name must not be empty' });

    const other = await ctx.createAccount();
    const shared = await person(account, 'agent');
    await agents(other, other.adminToken).add({ name: 'ignored', email: shared.email });
    const refused = await agents(other, other.adminToken).change(shared.id, { name: 'Someone Else', role: 'administrator' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'name', error: `agent ${shared.id} is also a user of other accounts: their name is theirs to change (PATCH /api/v1/profile)` });
    // Nothing of the refused change was made, and the name as it is may be sent back.
    const listed = (await agents(other, other.adminToken).list()).body.find((a: { id: number }) => a.id === shared.id);
    expect(listed.role).toBe('agent');
    expect((await agents(other, other.adminToken).change(shared.id, { name: listed.name, role: 'administrator' })).body).toMatchObject({ role: 'administrator', name: listed.name });
  });

  it('when the last administrator would be demoted or removed, then it answers 422, also when two administrators demote each other at once', async () => {
    const acc = await ctx.createAccount();
    const admin = agents(acc, acc.adminToken);
    const { id: adminId } = (await ctx.http.get('/api/v1/profile').set(as(acc.adminToken))).body;
    const demoted = await admin.change(adminId, { role: 'agent' });
    expect([demoted.status, demoted.body.field, demoted.body.error]).toEqual([422, 'role', 'an account needs at least one administrator']);
    // A DELETE has no body: its 422 names no field of one.
    const removed = await admin.remove(adminId);
    expect([removed.status, removed.body.field, removed.body.error]).toEqual([422, undefined, 'an account needs at least one administrator']);

    const second = await person(acc, 'administrator');
    const results = await Promise.all([admin.change(second.id, { role: 'agent' }), agents(acc, second.token).change(adminId, { role: 'agent' })]);
    // One wins; the other is refused (422, or 403 once the winner has made it an agent).
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const roles = (await admin.list()).body.filter((a: { role: string }) => a.role === 'administrator');
    expect(roles).toHaveLength(1);
  });
});
