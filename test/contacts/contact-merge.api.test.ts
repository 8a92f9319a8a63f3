import { startTestContext, type TestAccount, type TestContext } from '../support/context';
import { createContact, setLabels } from '../support/factories';

let ctx: TestContext;
let account: TestAccount;

beforeAll(async () => {
  ctx = await startTestContext();
  account = await ctx.createAccount();
});
afterAll(() => ctx.close());

const as = (token: string) => ({ api_access_token: token });
const merge = (acc: TestAccount, body: object) => ctx.http.post(acc.path('/actions/contact_merge')).set(as(acc.agentToken)).send(body);

describe('merging contacts', () => {
  it('when a contact is merged into another, then notes and labels move, the base\'s values win, gaps are filled and the index follows', async () => {
    const base = await createContact(ctx, account, { name: 'Base Name', email: 'base@example.com', phone_number: null, city: 'Lima', custom_attributes: { plan: 'pro' } });
    const mergee = await createContact(ctx, account, {
      name: 'Mergee Name', email: 'mergee@example.com', phone_number: '+51999000111', identifier: 'crm-9', city: 'Cusco', company_name: 'Acme', custom_attributes: { plan: 'free', seats: 3 },
    });
    await setLabels(ctx, account.id, base.id, ['vip', 'lead']);
    await setLabels(ctx, account.id, mergee.id, ['lead', 'churn-risk']);
    const note = await ctx.http.post(account.path(`/contacts/${mergee.id}/notes`)).set(as(account.agentToken)).send({ content: 'called them' });

    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: base.id,
      name: 'Base Name',
      email: 'base@example.com',
      phone_number: '+51999000111',
      identifier: 'crm-9',
      additional_attributes: { city: 'Lima', company_name: 'Acme' },
      custom_attributes: { plan: 'pro', seats: 3 },
    });
    expect(res.body.labels.sort()).toEqual(['churn-risk', 'lead', 'vip']);

    const notes = await ctx.http.get(account.path(`/contacts/${base.id}/notes`)).set(as(account.agentToken));
    expect(notes.body.map((n: { id: number }) => n.id)).toEqual([note.body.id]);
    expect((await ctx.http.get(account.path(`/contacts/${mergee.id}`)).set(as(account.agentToken))).status).toBe(404);

    await ctx.settle(account.id);
    const list = await ctx.http.get(account.path('/contacts')).set(as(account.agentToken));
    const ids = list.body.payload.map((c: { id: number }) => c.id);
    expect(ids).toContain(base.id);
    expect(ids).not.toContain(mergee.id);
    const indexed = list.body.payload.find((c: { id: number }) => c.id === base.id);
    expect(indexed.phone_number).toBe('+51999000111');
    expect(indexed.labels.sort()).toEqual(['churn-risk', 'lead', 'vip']);
    const labelled = await ctx.http.get(account.path('/contacts?labels[]=churn-risk')).set(as(account.agentToken));
    expect(labelled.body.payload.map((c: { id: number }) => c.id)).toEqual([base.id]);
  });

  it('when the mergee\'s email is taken over, then it no longer blocks the base from holding it', async () => {
    const base = await createContact(ctx, account, { name: 'No email', email: null });
    const mergee = await createContact(ctx, account, { email: 'moves@example.com' });
    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: mergee.id });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('moves@example.com');
    // The base now owns the email's key.
    const key = await ctx.deps.models.contactKeys.findById(`${account.id}:email:moves@example.com`).lean();
    expect(key!.contact_id).toBe(base.id);
  });

  it.each([
    [{ base_contact_id: 1 }, 'mergee_contact_id'],
    [{ base_contact_id: 'x', mergee_contact_id: 2 }, 'base_contact_id'],
    // Each of these once read as a contact id (true as 1, [2] as 2, "1e1" as 10) and merged.
    [{ base_contact_id: true, mergee_contact_id: 2 }, 'base_contact_id'],
    [{ base_contact_id: 1, mergee_contact_id: [2] }, 'mergee_contact_id'],
    [{ base_contact_id: '1e1', mergee_contact_id: 2 }, 'base_contact_id'],
    [{ base_contact_id: 1.5, mergee_contact_id: 2 }, 'base_contact_id'],
  ])('when the body is %j, then it answers 422 naming the field', async (body, field) => {
    const res = await merge(account, body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
  });

  it('when a contact is merged into itself, then it answers 422', async () => {
    const contact = await createContact(ctx, account);
    expect((await merge(account, { base_contact_id: contact.id, mergee_contact_id: contact.id })).status).toBe(422);
  });

  it('when either contact belongs to another account, then it answers 404 and nothing moves', async () => {
    const other = await ctx.createAccount();
    const theirs = await createContact(ctx, other);
    const mine = await createContact(ctx, account);
    expect((await merge(account, { base_contact_id: mine.id, mergee_contact_id: theirs.id })).status).toBe(404);
    expect((await merge(account, { base_contact_id: theirs.id, mergee_contact_id: mine.id })).status).toBe(404);
    expect((await ctx.http.get(other.path(`/contacts/${theirs.id}`)).set(as(other.adminToken))).status).toBe(200);
    expect((await ctx.http.get(account.path(`/contacts/${mine.id}`)).set(as(account.adminToken))).status).toBe(200);
  });

  it('when a blocked contact is merged into one that is not, then the merged contact is blocked: a merge does not shed a block', async () => {
    const base = await createContact(ctx, account, { name: 'Unblocked', phone_number: null });
    const blocked = await createContact(ctx, account, { name: 'Blocked', phone_number: '+15550007777', blocked: true });
    const res = await merge(account, { base_contact_id: base.id, mergee_contact_id: blocked.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: base.id, blocked: true, phone_number: '+15550007777' });
  });
});
