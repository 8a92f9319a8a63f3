import { NotFoundError, ValidationError } from '../shared/errors';
import type { SyncScheduler } from '../search/sync-queue';
import type { Contact, ContactModel } from '../records/contact.model';
import { noValueKey } from '../records/contact.model';
import { toContactPayload, type ContactPayload } from '../records/contact.presenter';
import type { ContactDependent, ContactsService } from './contacts.service';

/** Records owned by a contact that follow it into a merge (notes, identities, conversations, messages). */
export interface MovableDependent extends ContactDependent {
  updateMany(filter: { account_id: number; contact_id: number }, update: { $set: { contact_id: number } }): PromiseLike<unknown>;
}

export interface MergeContactsDeps {
  contacts: ContactModel;
  contactsService: Pick<ContactsService, 'remove'>;
  dependents: MovableDependent[];
  sync: SyncScheduler;
}

export const isGap = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
const fill = <T>(base: T, mergee: T): T => (isGap(base) ? mergee : base);

function fillAttributes(base: Record<string, unknown> = {}, mergee: Record<string, unknown> = {}) {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(mergee)) if (isGap(merged[key]) && !isGap(value)) merged[key] = value;
  return merged;
}

const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

/** The base's values win; the mergee fills what the base lacks; labels are the union. */
export function mergedValues(base: Contact, mergee: Contact) {
  const email = fill(base.email, mergee.email);
  const phone = fill(base.phone_number, mergee.phone_number);
  const identifier = fill(base.identifier, mergee.identifier);
  return {
    name: fill(base.name, mergee.name),
    email,
    phone_number: phone,
    identifier,
    thumbnail: fill(base.thumbnail, mergee.thumbnail),
    additional_attributes: fillAttributes(base.additional_attributes, mergee.additional_attributes),
    custom_attributes: fillAttributes(base.custom_attributes, mergee.custom_attributes),
    labels: [...new Set([...(base.labels ?? []), ...(mergee.labels ?? [])])],
    // The person has been known since the earlier of the two, and was last active at the later.
    created_at: base.created_at < mergee.created_at ? base.created_at : mergee.created_at,
    last_activity_at: later(base.last_activity_at, mergee.last_activity_at),
    email_key: email ?? noValueKey(Number(base._id)),
    phone_key: phone ?? noValueKey(Number(base._id)),
    identifier_key: identifier ?? noValueKey(Number(base._id)),
  };
}

/**
 * Merges the mergee into the base: its notes, conversations, messages and inbox identities
 * move to the base, then the mergee is deleted (which frees its email, phone and identifier),
 * then the base takes the merged values in one versioned update. There are no transactions,
 * so the order is what keeps the unique keys valid at every step.
 */
export async function mergeContacts(deps: MergeContactsDeps, accountId: number, baseId: number, mergeeId: number): Promise<ContactPayload> {
  if (baseId === mergeeId) throw new ValidationError('a contact cannot be merged into itself', 'mergee_contact_id');
  const [base, mergee] = await Promise.all(
    [baseId, mergeeId].map((id) => deps.contacts.findOne({ _id: id, account_id: accountId, deleted: false }).lean()),
  );
  if (!base) throw new NotFoundError('contact', baseId);
  if (!mergee) throw new NotFoundError('contact', mergeeId);

  const move = { account_id: accountId, contact_id: mergeeId };
  await Promise.all(deps.dependents.map((dependent) => dependent.updateMany(move, { $set: { contact_id: baseId } })));
  await deps.contactsService.remove(accountId, mergeeId);

  const values = mergedValues(base, mergee);
  const updated = await deps.contacts
    .findOneAndUpdate(
      { _id: baseId, account_id: accountId, deleted: false },
      { $set: { ...values, updated_at: new Date() }, $inc: { version: 1 } },
      { new: true },
    )
    .lean();
  if (!updated) throw new NotFoundError('contact', baseId);
  await deps.sync.schedule([baseId]);
  return toContactPayload(updated);
}
