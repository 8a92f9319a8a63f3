import { mergeLockId } from '../../src/contacts/merge-lock.model';
import { contactKeyId } from '../../src/records/contact-key.model';
import { waitFor, withTestAccount, type TestAccount, type TestContext } from '../support/context';
import { lapseMergeLocks, mergeThatDies } from '../support/dying-merge';
import { createContact } from '../support/factories';

// A merge has no transaction: it moves the mergee's records, hands its keys to the base, deletes
// it, then writes the base. A process killed between the delete and the base's write lost what
// the mergee held (its email, phone, attributes were on no contact), and once the keys' grace
// had passed another contact could take its email while the mergee still showed it (found by a
// black-box test killing the API during merges). The merge now writes what it will do on its
// locks before it changes anything, and the sweep finishes a merge whose locks lapsed.
let ctx: TestContext;
let account: TestAccount;

withTestAccount(
  (c, a) => {
    ctx = c;
    account = a;
  },
  { worker: false },
);

const auth = () => ({ api_access_token: account.adminToken });

it.each(['base write', 'delete'] as const)('when the process of a merge dies before its %s, then the sweep finishes it: the base takes the mergee\'s values and keys, once', async (step) => {
  const email = `half-merged-${step.replace(' ', '-')}@example.com`;
  const phone = step === 'delete' ? '+33612340002' : '+33612340001';
  const base = await createContact(ctx, account, { name: 'Base Person', email: null, phone_number: null });
  const mergee = await createContact(ctx, account, {
    name: 'Mergee Person', email, phone_number: phone, custom_attributes: { tier: 'gold' }, additional_attributes: { city: 'Paris' },
  });
  mergeThatDies(ctx, account.id, base.id, mergee.id, step);
  const lockIds = [base.id, mergee.id].map((id) => mergeLockId(account.id, id));
  // Until the step it dies at is reached (which then waits for ever: the process is as good as dead).
  // The keys handed over (the step before the delete), and for the other the mergee deleted.
  const reached = async () =>
    (await ctx.deps.models.contactKeys.findById(contactKeyId(account.id, 'email', email)).lean())?.contact_id === base.id &&
    (step === 'delete' || (await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(auth())).status === 404);
  await waitFor(reached, `the merge to reach its ${step}`);
  expect((await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(auth())).status).toBe(step === 'delete' ? 200 : 404);
  expect((await ctx.http.get(account.path(`/contacts/${base.id}`)).set(auth())).body.payload.email).toBeNull();

  // While its locks hold, the sweep leaves the merge alone (it may still be running).
  expect(await ctx.deps.finishAbandonedMerges()).toBe(0);
  // Its locks lapse, as a dead process's do; nothing else may take them over meanwhile.
  await lapseMergeLocks(ctx, account.id, [base.id, mergee.id]);
  const other = await createContact(ctx, account, { name: 'Other' });
  const blocked = await ctx.http.post(account.path('/actions/contact_merge')).set(auth()).send({ base_contact_id: other.id, mergee_contact_id: base.id });
  expect(blocked.status).toBe(409);

  expect(await ctx.deps.finishAbandonedMerges()).toBe(1);
  const shown = (await ctx.http.get(account.path(`/contacts/${base.id}`)).set(auth())).body.payload;
  expect(shown).toMatchObject({ name: 'Base Person', email, phone_number: phone, custom_attributes: { tier: 'gold' }, additional_attributes: { city: 'Paris' } });
  expect((await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(auth())).status).toBe(404);
  const taken = await ctx.http.post(account.path('/contacts')).set(auth()).send({ name: 'Late', email });
  expect(taken.status).toBe(422);
  expect(taken.body.error).toContain(`contact ${base.id}`);
  expect(await ctx.deps.models.mergeLocks.countDocuments({ _id: { $in: lockIds } })).toBe(0);
  expect(await ctx.deps.finishAbandonedMerges()).toBe(0);
});
