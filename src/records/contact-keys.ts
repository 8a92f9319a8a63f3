import { duplicateIndexes } from '../shared/duplicate-key';
import { ValidationError } from '../shared/errors';
import { contactKeyId, IDENTITY_FIELD_NAMES, type ContactKey, type ContactKeyModel, type IdentityField } from './contact-key.model';
import type { Contact, ContactModel } from './contact.model';

export type IdentityValues = Partial<Record<IdentityField, string | null>>;

/** One value a contact wants to hold. */
export interface KeyClaim {
  accountId: number;
  contactId: number;
  field: IdentityField;
  value: string;
  /** The version of the contact's write that will hold the value (1 for a new contact). */
  version?: number;
}

/**
 * A key as a claim took it (inserted, or taken over from another contact): what a write gives back
 * when it fails, and only while the key is still as it took it (see giveBack).
 */
export interface HeldKey extends KeyClaim {
  claimedAt: Date;
}

/** Why a claim was refused: the live contact that holds the value. */
export interface TakenKey extends KeyClaim {
  ownerId: number;
}

export interface ContactKeysDeps {
  keys: ContactKeyModel;
  contacts: ContactModel;
  /**
   * How long a key is respected whose contact does not hold the value yet because the write
   * that took it has not landed (the contact is missing or below the key's version): the time
   * between taking a key and writing the contact. Past it, such a key is taken over (its writer
   * died between the two steps), so no value stays blocked for longer. A key whose contact has
   * reached its version without holding the value was left behind and is taken over at once.
   */
  graceMs: number;
}

const ROUNDS = 5;
// How long a claim waits on a key whose write is in flight before it is refused: that write may
// yet fail and release the value (a create whose identifier is taken gives its email back a few
// milliseconds later), and then the waiting claim wins, as it would behind a unique index's row
// lock. Refused at once, it was told a contact held the value that never did.
const IN_FLIGHT_WAIT_MS = 1000;
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const identityClaims = (accountId: number, contactId: number, values: IdentityValues, version = 1): KeyClaim[] =>
  IDENTITY_FIELD_NAMES.flatMap((field) => (values[field] ? [{ accountId, contactId, field, value: values[field]!, version }] : []));

/**
 * Uniqueness of email, phone number and identifier in an account, kept in key documents read
 * and written by _id only. Taking a value inserts its key; a key whose contact no longer holds
 * the value (released late, or its writer died) is taken over; releasing deletes only one's
 * own keys. Contacts are written after their keys are taken and before old keys are released,
 * so at every step a value belongs to at most one contact.
 */
export function createContactKeys({ keys, contacts, graceMs }: ContactKeysDeps) {
  /** The live contact that holds the key's value, if any: only such a contact makes a key binding. */
  function holds(owner: Contact | undefined, claim: KeyClaim): boolean {
    return !!owner && !owner.deleted && owner.account_id === claim.accountId && owner[claim.field] === claim.value;
  }

  /**
   * Keys that exist already: answers the claims they block (`taken` by a contact that holds the
   * value, `inFlight` by a write that has not landed yet), taking over the stale ones and stamping
   * the claimant's own that no landed write backs yet; `held`, what this claim took.
   */
  async function settle(claims: KeyClaim[]): Promise<{ taken: TakenKey[]; inFlight: TakenKey[]; retry: KeyClaim[]; held: HeldKey[] }> {
    if (!claims.length) return { taken: [], inFlight: [], retry: [], held: [] };
    const ids = claims.map((c) => contactKeyId(c.accountId, c.field, c.value));
    const found = new Map((await keys.find({ _id: { $in: ids } }).lean()).map((k) => [k._id, k]));
    const ownerIds = [...new Set([...found.values()].map((k) => String(k.contact_id)))];
    const owners = new Map(
      ownerIds.length ? (await contacts.find({ _id: { $in: ownerIds } }).lean()).map((c) => [Number(c._id), c as Contact]) : [],
    );
    // A purge releases a deleted contact's keys and then removes the contact, so a key read before
    // that release and a contact read after it would look like a create in flight and block the
    // value for the grace time. A key whose contact is missing is read again: if it is still
    // there as it was, its contact is truly not written yet (or its writer died).
    const orphans = [...found.values()].filter((k) => !owners.has(k.contact_id)).map((k) => k._id);
    if (orphans.length) {
      const again = new Map((await keys.find({ _id: { $in: orphans } }).lean()).map((k) => [k._id, k]));
      for (const id of orphans) {
        const before = found.get(id)!;
        const current = again.get(id);
        if (!current || current.contact_id !== before.contact_id || current.claimed_at.getTime() !== before.claimed_at.getTime()) found.delete(id);
      }
    }
    const taken: TakenKey[] = [];
    const inFlight: TakenKey[] = [];
    const retry: KeyClaim[] = [];
    const held: HeldKey[] = [];
    const now = Date.now();
    /**
     * Takes the key for the claim, conditional on the key as read: of two claimants, one wins.
     * One taken from another contact is this claim's to give back; one stamped anew for its own
     * contact is not (the other write of the contact may yet land holding the value).
     */
    const stampFor = async (claim: KeyClaim, key: ContactKey) => {
      const claimedAt = new Date();
      const res = await keys.updateOne(
        { _id: key._id, contact_id: key.contact_id, claimed_at: key.claimed_at },
        { $set: { contact_id: claim.contactId, version: claim.version ?? 1, claimed_at: claimedAt } },
      );
      if (!res.matchedCount) retry.push(claim);
      else if (key.contact_id !== claim.contactId) held.push({ ...claim, claimedAt });
    };
    for (const [i, claim] of claims.entries()) {
      const key: ContactKey | undefined = found.get(ids[i]);
      const owner = key && owners.get(key.contact_id);
      // Gone (or changed hands) since the insert failed: insert again.
      if (!key) retry.push(claim);
      else if (key.contact_id === claim.contactId) {
        // The claimant's own: binding as it is when the contact holds the value. Otherwise another
        // write of the same contact took it (or a merge handed it over) and has not landed: stamped
        // anew, so that the other write, refused, does not give it back from under this one, and
        // not given back by this one either (two PATCHes of one contact at once, one refused, left
        // it holding a value with no key, and a new contact took the value too: found by a
        // black-box race test).
        if (!holds(owner, claim)) await stampFor(claim, key);
      } else {
        const landing = !owner || (!owner.deleted && owner.version < (key.version ?? 1));
        if (holds(owner, claim)) taken.push({ ...claim, ownerId: key.contact_id });
        else if (landing && now - key.claimed_at.getTime() < graceMs) inFlight.push({ ...claim, ownerId: key.contact_id });
        else await stampFor(claim, key);
      }
    }
    return { taken, inFlight, retry, held };
  }

  /**
   * Takes every value for its contact. Answers the claims another live contact holds (those
   * are not taken), and the keys this call took; the others are the claimant's when this returns.
   */
  async function claimAll(claims: KeyClaim[]): Promise<{ taken: TakenKey[]; held: HeldKey[] }> {
    let pending = claims;
    const taken: TakenKey[] = [];
    const held: HeldKey[] = [];
    const waitUntil = Date.now() + IN_FLIGHT_WAIT_MS;
    let pause = FIRST_PAUSE_MS;
    // Rounds of keys that changed hands while they were read; waits on writes in flight are bounded by time.
    let rounds = 0;
    while (pending.length) {
      if (rounds === ROUNDS) throw new Error(`could not settle the keys of ${pending.length} values after ${ROUNDS} rounds`);
      const now = new Date();
      let failed = new Set<number>();
      try {
        // The driver directly: complete documents, and mongoose's per-document casting costs (an import inserts a million).
        await keys.collection.insertMany(
          pending.map((c) => ({ _id: contactKeyId(c.accountId, c.field, c.value), account_id: c.accountId, contact_id: c.contactId, version: c.version ?? 1, claimed_at: now })) as never[],
          { ordered: false },
        );
      } catch (err) {
        failed = duplicateIndexes(err);
      }
      held.push(...pending.filter((_, i) => !failed.has(i)).map((claim) => ({ ...claim, claimedAt: now })));
      const settled = await settle(pending.filter((_, i) => failed.has(i)));
      taken.push(...settled.taken);
      held.push(...settled.held);
      if (settled.retry.length) rounds++;
      let waiting: KeyClaim[] = [];
      if (settled.inFlight.length && Date.now() < waitUntil) {
        waiting = settled.inFlight.map(({ ownerId: _, ...claim }) => claim);
        await sleep(pause);
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      } else taken.push(...settled.inFlight);
      pending = [...settled.retry, ...waiting];
    }
    return { taken, held };
  }

  /**
   * Deletes the contact's keys of these values; a key another contact holds now is left alone, and
   * so is one taken for a version above `heldUpTo` (another write of the contact took it since).
   */
  async function release(claims: KeyClaim[], { heldUpTo }: { heldUpTo?: number } = {}): Promise<void> {
    if (!claims.length) return;
    await keys.deleteMany({
      _id: { $in: claims.map((c) => contactKeyId(c.accountId, c.field, c.value)) },
      $or: claims.map((c) => ({ _id: contactKeyId(c.accountId, c.field, c.value), contact_id: c.contactId })),
      ...(heldUpTo === undefined ? {} : { version: { $lte: heldUpTo } }),
    });
  }

  /** Deletes keys a claim took, each only while it is as that claim took it (not stamped since by another write). */
  async function giveBack(held: HeldKey[]): Promise<void> {
    if (!held.length) return;
    await keys.deleteMany({
      _id: { $in: held.map((h) => contactKeyId(h.accountId, h.field, h.value)) },
      $or: held.map((h) => ({ _id: contactKeyId(h.accountId, h.field, h.value), contact_id: h.contactId, claimed_at: h.claimedAt })),
    });
  }

  /** For each claim, the live contact that holds its value, if any. */
  async function holders(claims: KeyClaim[]): Promise<(Contact | undefined)[]> {
    if (!claims.length) return [];
    const ids = claims.map((c) => contactKeyId(c.accountId, c.field, c.value));
    const found = await keys.find({ _id: { $in: [...new Set(ids)] } }).lean();
    if (!found.length) return claims.map(() => undefined);
    const ownerOf = new Map(found.map((k) => [k._id, k.contact_id]));
    const ownerIds = [...new Set(found.map((k) => String(k.contact_id)))];
    const byId = new Map((await contacts.find({ _id: { $in: ownerIds } }).lean()).map((c) => [Number(c._id), c as Contact]));
    return claims.map((claim, i) => {
      const owner = byId.get(ownerOf.get(ids[i]) ?? -1);
      return holds(owner, claim) ? owner : undefined;
    });
  }

  return {
    /** claimAll's refusals (an import and reconcile give back by contact, not by claim). */
    async claimMany(claims: KeyClaim[]): Promise<TakenKey[]> {
      return (await claimAll(claims)).taken;
    },
    release,
    giveBack,

    /**
     * Points each claim's key at the claim's contact, for the write of that version, where the key
     * is still `fromId`'s. A merge hands the mergee's values that the base will take over before
     * it deletes the mergee: released by the delete and taken by the base's write after it, a
     * value was free in between, and a contact created then kept it while the merge answered 422
     * with the mergee already deleted. Held for a write in flight, the key binds (see settle).
     */
    async handOver(claims: KeyClaim[], fromId: number): Promise<void> {
      const now = new Date();
      await Promise.all(
        claims.map((c) =>
          keys.updateOne({ _id: contactKeyId(c.accountId, c.field, c.value), contact_id: fromId }, { $set: { contact_id: c.contactId, version: c.version ?? 1, claimed_at: now } }),
        ),
      );
    },

    /**
     * Takes a contact's values, all or none: when one is held by another contact, the keys this
     * call took are given back and a ValidationError names the field and its owner. Answers the
     * keys it took, for the write to give back should it fail.
     */
    async claim(accountId: number, contactId: number, values: IdentityValues, version = 1): Promise<HeldKey[]> {
      const claims = identityClaims(accountId, contactId, values, version);
      if (!claims.length) return [];
      const { taken, held } = await claimAll(claims);
      if (!taken.length) return held;
      // Only what this call took: a key that already named the contact may be another write's.
      await giveBack(held);
      const first = taken[0];
      throw new ValidationError(`${first.field} "${first.value}" already belongs to contact ${first.ownerId}`, first.field);
    },

    /** The live contacts of the account that hold these values, by field. */
    async owners(accountId: number, values: IdentityValues): Promise<Partial<Record<IdentityField, Contact>>> {
      const claims = identityClaims(accountId, 0, values);
      const found = await holders(claims);
      const result: Partial<Record<IdentityField, Contact>> = {};
      claims.forEach((claim, i) => {
        if (found[i]) result[claim.field] = found[i];
      });
      return result;
    },

    /** The claims whose key is missing or names another contact (one read of keys). */
    async unheld(claims: KeyClaim[]): Promise<KeyClaim[]> {
      if (!claims.length) return [];
      const ids = claims.map((c) => contactKeyId(c.accountId, c.field, c.value));
      const ownerOf = new Map((await keys.find({ _id: { $in: ids } }, { contact_id: 1 }).lean()).map((k) => [k._id, k.contact_id]));
      return claims.filter((claim, i) => ownerOf.get(ids[i]) !== claim.contactId);
    },

    /** The live contacts that hold any of these values (one read of keys and one of contacts). */
    async holdersOf(claims: KeyClaim[]): Promise<Contact[]> {
      const found = (await holders(claims)).filter((c): c is Contact => !!c);
      return [...new Map(found.map((c) => [c._id, c])).values()];
    },
  };
}

export type ContactKeys = ReturnType<typeof createContactKeys>;
