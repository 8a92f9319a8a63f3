import { mergeContacts } from '../../src/contacts/merge-contacts';
import { mergeLockId } from '../../src/contacts/merge-lock.model';
import { withTestAccount, type TestAccount, type TestContext } from '../support/context';
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

/** A merge whose process dies after deleting the mergee: the base's write never comes. */
function mergeThatDies(baseId: number, mergeeId: number): void {
  const { mergeDeps } = ctx.deps;
  const writer = { ...mergeDeps.writer, modify: ((accountId, id, plan) => (id === baseId ? new Promise(() => undefined) : mergeDeps.writer.modify(accountId, id, plan))) as typeof mergeDeps.writer.modify };
  void mergeContacts({ ...mergeDeps, writer }, account.id, baseId, mergeeId);
}

it('when the process of a merge dies after deleting the mergee, then the sweep finishes it: the base takes the mergee\'s values and keys, once', async () => {
  const base = await createContact(ctx, account, { name: 'Base Person', email: null, phone_number: null });
  const mergee = await createContact(ctx, account, {
    name: 'Mergee Person', email: 'half-merged@example.com', phone_number: '+33612340001', custom_attributes: { tier: 'gold' }, additional_attributes: { city: 'Paris' },
  });
  mergeThatDies(base.id, mergee.id);
  const lockIds = [base.id, mergee.id].map((id) => mergeLockId(account.id, id));
  // Until the mergee is deleted (the base's write then waits for ever: the process is as good as dead).
  for (let i = 0; i < 200 && (await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(auth())).status !== 404; i++) await new Promise((r) => setTimeout(r, 25));
  expect((await ctx.http.get(account.path(`/contacts/${base.id}`)).set(auth())).body.payload.email).toBeNull();

  // While its locks hold, the sweep leaves the merge alone (it may still be running).
  expect(await ctx.deps.finishAbandonedMerges()).toBe(0);
  // Its locks lapse, as a dead process's do; nothing else may take them over meanwhile.
  await ctx.deps.models.mergeLocks.updateMany({ _id: { $in: lockIds } }, { $set: { until: new Date(Date.now() - 1000) } });
  const other = await createContact(ctx, account, { name: 'Other' });
  const blocked = await ctx.http.post(account.path('/actions/contact_merge')).set(auth()).send({ base_contact_id: other.id, mergee_contact_id: base.id });
  expect(blocked.status).toBe(409);

  expect(await ctx.deps.finishAbandonedMerges()).toBe(1);
  const shown = (await ctx.http.get(account.path(`/contacts/${base.id}`)).set(auth())).body.payload;
  expect(shown).toMatchObject({ name: 'Base Person', email: 'half-merged@example.com', phone_number: '+33612340001', custom_attributes: { tier: 'gold' }, additional_attributes: { city: 'Paris' } });
  expect((await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(auth())).status).toBe(404);
  const taken = await ctx.http.post(account.path('/contacts')).set(auth()).send({ name: 'Late', email: 'half-merged@example.com' });
  expect(taken.status).toBe(422);
  expect(taken.body.error).toContain(`contact ${base.id}`);
  expect(await ctx.deps.models.mergeLocks.countDocuments({ _id: { $in: lockIds } })).toBe(0);
  expect(await ctx.deps.finishAbandonedMerges()).toBe(0);
});
