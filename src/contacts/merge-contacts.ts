import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import type { Contact, ContactModel } from '../records/contact.model';
import { IDENTITY_FIELD_NAMES, type IdentityField } from '../records/contact-key.model';
import { attributesSizeProblem } from '../records/contact-fields';
import type { IdentityValues } from '../records/contact-keys';
import { toContactPayload, type ContactPayload } from '../records/contact.presenter';
import type { ContactWriter } from './contact-writer';
import type { ContactDependent } from './contacts.service';
import type { MergeLocks } from './merge-locks';
import { isPlaceholderVisitorName } from './visitor-placeholder';

/** The labels feature (above this one), for the mergee's labels the base takes. */
export interface MergeLabels {
  /** The ids of the account's labels by title, read before the base is written. */
  labelIdsByTitle(accountId: number): Promise<Map<string, number>>;
  /** Takes off the contact those of `titles` deleted since `before`, and gives it renamed ones' new titles; the contact when written. */
  followLabels(accountId: number, contactId: number, titles: string[], before: Map<string, number>): Promise<Contact | null>;
}

export interface MergeContactsDeps {
  contacts: ContactModel;
  dependents: ContactDependent[];
  writer: ContactWriter;
  locks: MergeLocks;
  labels: MergeLabels;
}

export const isGap = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
const fill = <T>(base: T, mergee: T): T => (isGap(base) ? mergee : base);

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The base's attributes with the mergee's filling their gaps, at any depth, as Chatwoot's
 * `mergee.deep_merge(base)`: the mergee's github and linkedin profiles were lost when the base had
 * a twitter one (social_profiles is one key of additional_attributes, each network filterable).
 */
function fillAttributes(base: Record<string, unknown> = {}, mergee: Record<string, unknown> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(mergee)) {
    if (isGap(merged[key]) && !isGap(value)) merged[key] = value;
    else if (isPlainObject(merged[key]) && isPlainObject(value)) merged[key] = fillAttributes(merged[key], value);
  }
  return merged;
}

const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

export interface MergeOptions {
  /** A name the mergee was given as a placeholder (a website visitor's), not the person's: it does not fill the base's. */
  isPlaceholderName?: (name: string) => boolean;
  /**
   * The mergee's last_seen_at is not the base's person being seen (a website visitor merged in
   * because it typed the base's email or phone): the base keeps its own.
   */
  keepBaseLastSeen?: boolean;
  /**
   * Merge only a mergee that holds no identifier (a website visitor merged because it typed
   * somebody's email or phone): one that proved an identity since its caller looked is somebody
   * known, and merging it would hand its verified session to the email's owner. Refused with
   * MergeeIdentifiedError, read under the merge's locks.
   */
  mergeeUnidentified?: boolean;
}

/** The mergee holds an identifier now (MergeOptions.mergeeUnidentified): the caller decides again on what it is now. */
export class MergeeIdentifiedError extends ConflictError {}

/**
 * The base's values win; the mergee fills what the base lacks; labels are the union. A block
 * is kept by either side: otherwise merging a blocked contact into an unblocked one (a visitor
 * typing somebody's email) would shed it, and outbound messages would reach its addresses again.
 */
export function mergedValues(base: Contact, mergee: Contact, options: MergeOptions = {}) {
  const mergeeName = mergee.name && options.isPlaceholderName?.(mergee.name) ? null : mergee.name;
  // A website visitor's placeholder on the base gives way to the mergee's real name (an agent
  // merging a known person into a visitor's contact kept "Visitor 4e07c7" and lost the name).
  const baseName = base.name && mergeeName && isPlaceholderVisitorName(base.name) && !isPlaceholderVisitorName(mergeeName) ? null : base.name;
  const email = fill(base.email, mergee.email);
  const phone = fill(base.phone_number, mergee.phone_number);
  const identifier = fill(base.identifier, mergee.identifier);
  return {
    name: fill(baseName, mergeeName),
    email,
    phone_number: phone,
    identifier,
    thumbnail: fill(base.thumbnail, mergee.thumbnail),
    additional_attributes: fillAttributes(base.additional_attributes, mergee.additional_attributes),
    custom_attributes: fillAttributes(base.custom_attributes, mergee.custom_attributes),
    labels: [...new Set([...(base.labels ?? []), ...(mergee.labels ?? [])])],
    blocked: base.blocked || mergee.blocked,
    // The person has been known since the earlier of the two, and was last active at the later.
    created_at: base.created_at < mergee.created_at ? base.created_at : mergee.created_at,
    last_activity_at: later(base.last_activity_at, mergee.last_activity_at),
    last_seen_at: options.keepBaseLastSeen ? (base.last_seen_at ?? null) : later(base.last_seen_at ?? null, mergee.last_seen_at ?? null),
  };
}

/** The mergee's identity values that the base takes because it lacks them. */
function filledIdentity(base: Contact, mergee: Contact): IdentityValues {
  const values: IdentityValues = {};
  for (const field of IDENTITY_FIELD_NAMES) if (isGap(base[field]) && !isGap(mergee[field])) values[field] = mergee[field];
  return values;
}

/**
 * Merges the mergee into the base: its notes, conversations, messages and inbox identities
 * move to the base, then the mergee is deleted (which releases its email, phone and
 * identifier), then the base takes the merged values in one update conditional on its version.
 * There are no transactions, so the order is what keeps the values unique at every step. The
 * two contacts are held from other merges meanwhile (merge-locks.ts): a merge that deleted its
 * mergee and then found its base merged away would lose the mergee.
 */
export async function mergeContacts(
  deps: MergeContactsDeps,
  accountId: number,
  baseId: number,
  mergeeId: number,
  options: MergeOptions = {},
): Promise<ContactPayload> {
  if (baseId === mergeeId) throw new ValidationError('a contact cannot be merged into itself', 'mergee_contact_id');
  const held = await deps.locks.acquire(accountId, [baseId, mergeeId]);
  try {
    const [base, mergee] = await Promise.all(
      [baseId, mergeeId].map((id) => deps.contacts.findOne({ _id: id, account_id: accountId, deleted: false }).lean()),
    );
    if (!base) throw new NotFoundError('contact', baseId);
    if (!mergee) throw new NotFoundError('contact', mergeeId);
    if (options.mergeeUnidentified && !isGap(mergee.identifier)) {
      throw new MergeeIdentifiedError(`contact ${mergeeId} has become a verified identity meanwhile; it is not merged on what its visitor typed`);
    }
    // The merged contact is bounded as any write is: repeated merges grew a contact's attributes
    // past the bounds, and every later write of them was refused.
    const merged = mergedValues(base, mergee, options);
    for (const field of ['additional_attributes', 'custom_attributes'] as const) {
      const problem = attributesSizeProblem(field, merged[field], base[field] ?? {});
      if (problem) throw new ValidationError(`contact ${mergeeId} cannot be merged into contact ${baseId}: the merged ${problem}`, 'mergee_contact_id');
    }
    const labelsBefore = await labelIdsOf(deps, accountId, mergee);
    // Before anything changes: should this process die midway, the sweep finishes the merge from it.
    await held.record({
      base_id: baseId,
      mergee_id: mergeeId,
      mergee: mergee as unknown as Record<string, unknown>,
      ignore_mergee_name: !!(mergee.name && options.isPlaceholderName?.(mergee.name)),
      keep_base_last_seen: !!options.keepBaseLastSeen,
      labels_before: [...labelsBefore].map(([title, id]) => ({ title, id })),
    });
    return await mergeRead(deps, accountId, base, mergee, labelsBefore, options);
  } finally {
    await held.release();
  }
}

/**
 * Finishes the merges whose process died after they began (their journal on lapsed locks; see
 * merge-lock.model.ts): the mergee deleted and the base never written lost what the mergee held,
 * and the keys handed to the base lapsed to whoever took them next (found by a black-box test
 * killing the API during merges). Every step is safe to run again. Run by the worker's sweep;
 * answers how many it finished.
 */
export async function completeAbandonedMerges(deps: MergeContactsDeps): Promise<number> {
  let done = 0;
  for (const journal of await deps.locks.abandoned()) {
    const accountId = (journal.mergee as unknown as Contact).account_id;
    const release = await deps.locks.takeOver(accountId, journal);
    if (!release) continue;
    try {
      // The mergee as it is now (written to since, or deleted by the merge's first run), or as
      // the merge first read it once the sync worker has purged it.
      const stored = await deps.contacts.findById(String(journal.mergee_id)).lean();
      const mergee = stored?.account_id === accountId ? stored : (journal.mergee as unknown as Contact);
      const base = await deps.contacts.findOne({ _id: journal.base_id, account_id: accountId, deleted: false }).lean();
      // A base gone is not this merge's doing (its lock held it from other merges and deletes).
      if (base) {
        const options: MergeOptions = { isPlaceholderName: () => journal.ignore_mergee_name, keepBaseLastSeen: journal.keep_base_last_seen };
        // As the first run read them: read now, a label deleted since would no longer be known as one.
        const labelsBefore = journal.labels_before
          ? new Map(journal.labels_before.map((l) => [l.title, l.id]))
          : await labelIdsOf(deps, accountId, journal.mergee as unknown as Contact);
        await mergeRead(deps, accountId, base, mergee, labelsBefore, options, true);
        done++;
      }
    } finally {
      await release();
    }
  }
  return done;
}

/**
 * The ids of the labels the mergee carries, read before anything moves: one deleted or renamed
 * from then on is followed on the base once written (followLabels). One read by _id, for a
 * mergee with labels; kept to the mergee's titles, as the merge's journal keeps them.
 */
async function labelIdsOf(deps: MergeContactsDeps, accountId: number, mergee: Contact): Promise<Map<string, number>> {
  const titles = mergee.labels ?? [];
  if (!titles.length) return new Map();
  const all = await deps.labels.labelIdsByTitle(accountId);
  return new Map(titles.filter((t) => all.has(t)).map((t) => [t, all.get(t)!]));
}

/** The merge of two contacts as read (the mergee may be deleted already: a merge taken up again). */
async function mergeRead(
  deps: MergeContactsDeps,
  accountId: number,
  base: Contact,
  mergee: Contact,
  labelsBefore: Map<string, number>,
  options: MergeOptions,
  resumed = false,
): Promise<ContactPayload> {
  const baseId = Number(base._id);
  const mergeeId = Number(mergee._id);
  await Promise.all(deps.dependents.map((dependent) => dependent.moveToContact(accountId, mergeeId, baseId)));
  // The mergee's email, phone and identifier that fill the base's gaps go to the base before the
  // mergee's delete would free them: nobody can take them in between (the merge then failed with
  // the mergee already deleted, and its values were on no contact).
  await deps.writer.handOverKeys(accountId, mergeeId, base, filledIdentity(base, mergee));
  const deleted = await deps.writer.removeAnswering(accountId, mergeeId);
  // Deleted meanwhile by another request, unless this is the merge taken up again: its first run
  // may have deleted it (nothing else could: its lock held it from deletes).
  if (!deleted && !resumed) throw new NotFoundError('contact', mergeeId);
  // The mergee as it was deleted, which no write changes any more: what other requests wrote to
  // it after the first read (a custom attribute, a label, a block) reaches the base. A merge taken
  // up again reads it as its first run deleted it, or, once the sync worker has purged it, as it
  // first read it.
  const removed = deleted ?? (await deps.contacts.findById(String(mergeeId)).lean()) ?? mergee;

  // Conditional on the base's version, recomputed from the base as it is on each attempt. At the
  // same time, whatever reached the mergee after the first move (a note, a conversation written
  // meanwhile) moves too: the mergee is deleted now, so nothing is attached to it after this
  // (notes.service create checks again). The base's write need not wait for that, and a merge
  // is on the website visitor's path.
  const [updated] = await Promise.all([
    writeBase(deps, accountId, baseId, (current) => mergedValues(current, removed, options)),
    ...deps.dependents.map((dependent) => dependent.moveToContact(accountId, mergeeId, baseId)),
  ]);
  const carried = removed.labels ?? [];
  const followed = carried.length ? await deps.labels.followLabels(accountId, baseId, carried, labelsBefore) : null;
  return toContactPayload(followed ?? updated);
}

/**
 * The base's write. The mergee is deleted by now, so refusing the merge would lose what it held:
 * should one of its values have gone to another contact after all (the hand-over found the key
 * taken, or a write to the base let it lapse), the base keeps its own there and takes the rest.
 */
async function writeBase(deps: MergeContactsDeps, accountId: number, baseId: number, merged: (current: Contact) => Record<string, unknown>): Promise<Contact> {
  const given: string[] = [];
  for (;;) {
    try {
      return await deps.writer.modify(accountId, baseId, (current) => {
        const set = merged(current);
        for (const field of given) set[field] = current[field as IdentityField];
        return { set };
      });
    } catch (err) {
      const field = err instanceof ValidationError ? err.field : undefined;
      if (!field || !(IDENTITY_FIELD_NAMES as string[]).includes(field) || given.includes(field)) throw err;
      given.push(field);
    }
  }
}
