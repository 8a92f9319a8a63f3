import { randomUUID } from 'node:crypto';
import { attributeKeyOf, checkAttributeKey } from '../records/contact-fields';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import { toContactChanges, type ContactChanges } from '../contacts/contact-changes';
import type { ContactKeys } from '../records/contact-keys';
import type { ContactPayload } from '../records/contact.presenter';
import type { ContactsService, NarrowChanges } from '../contacts/contacts.service';
import type { ContactInbox, ContactInboxModel } from '../inboxes/contact-inbox.model';
import { preChatFormOf, type Inbox, type WebsiteSettings } from '../inboxes/inbox.model';
import type { InboxesService } from '../inboxes/inboxes.service';
import type { MessagingService } from '../messaging/messaging.service';
import { toPublicMessagePayload, toVisitorConversationFields, type PublicMessagePayload } from '../messaging/conversation.presenter';
import { NotFoundError, UnauthorizedError, ValidationError } from '../shared/errors';
import { isGap, MergeeIdentifiedError, type MergeOptions } from '../contacts/merge-contacts';
import type { MergeLocks } from '../contacts/merge-locks';
import { isPlaceholderVisitorName, placeholderVisitorName } from '../contacts/visitor-placeholder';
import type { NewVisitorInput, VisitorConversationInput, VisitorFields, VisitorInput } from './capture.schemas';
import { checkedConversationAnswers, checkedNewContactAnswers, missingPreChatField, withoutBlankAnswers, type AskedAttribute } from './check-pre-chat-form';
import { verifyIdentifierHash } from './verify-identifier-hash';
import { trimText } from '../shared/trim-text';
import { toVisitorPayload, type VisitorConversationPayload, type VisitorPayload } from './visitor.presenter';

export interface CaptureServiceDeps {
  inboxes: Pick<InboxesService, 'findByIdentifier' | 'createContactInbox' | 'findContactInbox' | 'updateContactInbox' | 'contactInboxesOf'>;
  contactInboxes: ContactInboxModel;
  keys: Pick<ContactKeys, 'owners'>;
  contactsService: Pick<ContactsService, 'create' | 'update' | 'show' | 'markSeen'>;
  mergeContacts: (accountId: number, baseId: number, mergeeId: number, options?: MergeOptions) => Promise<ContactPayload>;
  /** The merges' locks: a visitor's contact becoming an identity holds its lock, so a merge of that contact runs wholly before or after. */
  locks: Pick<MergeLocks, 'acquire'>;
  messaging: Pick<MessagingService, 'recordIncoming' | 'visitorConversationPages' | 'visitorMessages'>;
  /** The account's custom attribute definitions: a visitor writes defined keys only. */
  definitions: Pick<DefinitionStore, 'of'>;
  /** Defines a contact attribute the pre-chat form asks for, as its field says (one defined meanwhile is left as it is). */
  defineAsked: (accountId: number, attribute: AskedAttribute) => Promise<void>;
}

// A visitor's placeholder name is not the person's: merged into a known contact without one, the
// visitor leaves it behind (an imported contact must not become "Visitor 3fa2b1").
const visitorMerge: MergeOptions = { isPlaceholderName: isPlaceholderVisitorName };
/** A visitor merged on its word (an email or phone it typed) becomes a guest: its being on the site is not that person being seen. */
const guestMerge: MergeOptions = { ...visitorMerge, keepBaseLastSeen: true, mergeeUnidentified: true };

type Standing = 'verified' | 'own' | 'guest' | 'displaced';

/** A visitor's widget calls often (every page view); its last_seen_at is written at most once in this long. */
export const SEEN_EVERY_MS = 60_000;

/**
 * The website widget's side: visitors, their verified identity, the pre-chat form and the
 * email prompt. A visitor whose email or phone already belongs to a contact is merged into it.
 */
/** Tries of a visitor's write whose email or phone another contact took meanwhile (see capture). */
const CAPTURE_ATTEMPTS = 3;

export function createCaptureService(deps: CaptureServiceDeps) {
  const { inboxes, contactInboxes, keys, contactsService, mergeContacts, messaging, definitions, locks, defineAsked } = deps;

  /**
   * A website visitor is anyone: it may give values to the account's custom attributes, and to
   * the contact attributes its inbox's pre-chat form asks for (an administrator put them there),
   * not make new ones. Any other key without a definition is a 422 naming it. Through the API a
   * new key is defined on first use, and a visitor's did the same: one anonymous request of 100
   * junk keys took every definition an account may hold (administrators could define none after
   * it), and a visitor could fix a key's type before its administrator defined it. Answers the
   * account's defined keys, read only when a value is given (an empty set otherwise).
   */
  async function refuseUndefinedKeys(inbox: Inbox, attributes: Record<string, unknown> | undefined, field = 'custom_attributes'): Promise<ReadonlySet<string>> {
    // A key that is no key at all is refused by the write, naming its problem.
    const given = Object.entries(attributes ?? {}).filter(([key, value]) => value !== null && !checkAttributeKey(key));
    if (!given.length) return new Set();
    const defined = new Set((await definitions.of(inbox.account_id)).map((d) => d.attribute_key));
    const asked = preChatFormOf(inbox.settings as WebsiteSettings).options.pre_chat_fields.filter((f) => f.field_type === 'contact_attribute').map((f) => attributeKeyOf(f.name));
    const allowed = new Set([...asked, ...defined]);
    const unknown = given.find(([key]) => !allowed.has(attributeKeyOf(key)));
    if (unknown) {
      throw new ValidationError(
        `${field}: "${unknown[0]}" is not a custom attribute of this account; a website visitor gives values to defined attributes only (an administrator defines it first)`,
        `${field}.${unknown[0]}`,
      );
    }
    return defined;
  }

  /**
   * The visitor's session and how far it speaks for its contact. A displaced session answers 401
   * (before anything is written), unless the call is proving an identity (`proving`): a valid
   * hash is its one way back. Every call of the widget is a sign of life: the visitor was seen now.
   */
  async function visitor(inboxIdentifier: string, sourceId: string, proving = false): Promise<{ inbox: Inbox; contactInbox: ContactInbox; standing: Standing }> {
    const inbox = await inboxes.findByIdentifier(inboxIdentifier, 'web_widget');
    const contactInbox = await inboxes.findContactInbox(inbox._id, sourceId);
    if (!contactInbox) throw new NotFoundError('contact', sourceId);
    const standing = await standingOf(contactInbox);
    if (standing === 'displaced' && !proving) {
      throw new UnauthorizedError("this visitor's contact has become a verified identity: identify with identifier and identifier_hash to go on");
    }
    await markSeen(contactInbox, standing);
    return { inbox, contactInbox, standing };
  }

  /**
   * Records that the visitor was seen, at most once per SEEN_EVERY_MS: the contact inbox is
   * updated by _id conditional on the time read (of concurrent calls one writes), and only then
   * the contact, through the contact writer (a versioned write and a sync). A guest's or a
   * displaced session is not its contact's owner being online, so only the contact inbox records it.
   */
  async function markSeen(ci: ContactInbox, standing: Standing): Promise<void> {
    const now = new Date();
    const last = ci.last_seen_at ?? null;
    if (last && now.getTime() - last.getTime() < SEEN_EVERY_MS) return;
    const res = await contactInboxes.updateOne({ _id: ci._id, last_seen_at: last }, { $set: { last_seen_at: now } });
    if (!res.modifiedCount || !speaksFor(standing)) return;
    await contactsService.markSeen(ci.account_id, ci.contact_id, now);
  }

  /**
   * Throws 401 unless `hash` signs `identifier` with the inbox's secret. Every website inbox has a
   * secret, so an unsigned identifier is refused whether or not the inbox makes HMAC mandatory:
   * kept anywhere, it would bind the contact holding it to whoever typed it first (and hold the
   * account's own systems off the value), and anyone can type one.
   */
  function checkClaim(inbox: Inbox, identifier: string, hash: string | undefined): void {
    const settings = inbox.settings as WebsiteSettings;
    if (!hash) throw new UnauthorizedError('identifier_hash is required with an identifier: an unsigned identifier is not accepted from a website visitor');
    if (!verifyIdentifierHash(settings.hmac_token, identifier, hash)) throw new UnauthorizedError('identifier_hash does not match the identifier');
  }

  /**
   * How far the widget session may speak for its contact: `verified` (a valid identifier_hash),
   * `own` (the contact made for this visitor), `guest` (an unverified visitor that typed somebody's
   * email or phone and was merged into their contact), or `displaced` (the contact made for this
   * visitor has since become somebody's verified identity, in any inbox: an identifier on it was
   * proven by someone else, or an agent merged a verified contact into it). An unproven session
   * cannot tell its visitor from whoever was verified, so it reads and writes nothing of that
   * contact. Known by reading the contact's identities (its list, then by _id) on an unverified
   * visitor's own contact: two reads by _id, and no write when a contact becomes verified.
   */
  async function standingOf(ci: ContactInbox): Promise<Standing> {
    if (ci.hmac_verified) return 'verified';
    if (ci.contact_id !== ci.visitor_contact_id) return 'guest';
    const identities = await inboxes.contactInboxesOf(ci.account_id, ci.contact_id);
    return identities.some((identity) => identity.hmac_verified) ? 'displaced' : 'own';
  }

  /** Whether the session reads its contact's details, and its calls are that person being seen. */
  const speaksFor = (standing: Standing) => standing === 'verified' || standing === 'own';

  async function reload(contactInboxId: number): Promise<ContactInbox> {
    const ci = await contactInboxes.findById(contactInboxId).lean();
    if (!ci) throw new NotFoundError('contact', contactInboxId);
    return ci;
  }

  const attach = (ci: ContactInbox, set: Partial<ContactInbox>) => inboxes.updateContactInbox(ci, set);

  /**
   * Binds the session to the identity its valid hash proves. The visitor's own contact, while it
   * holds no identifier, becomes that identity (merged into the contact holding it, or given it).
   * Any other contact the session is attached to (somebody's whose email it typed, one the
   * account identified, an identity verified before, or one that became somebody else's verified
   * identity under it) is left as it is: the session moves to the identifier's contact, or to a
   * new one. A proof of one identifier never renames another.
   */
  /** Makes the visitor the identity `identifier` names; its claim (the hash) was checked by the caller. */
  async function identify(inbox: Inbox, ci: ContactInbox, standing: Standing, identifier: string): Promise<void> {
    // Trimmed as the contact stores it (trimText): trimmed only of spaces, an identifier with a
    // zero-width space at its edge found no owner, then was stored without it and refused as
    // another contact's (a 422 naming that contact to the visitor).
    identifier = trimText(identifier);
    for (let attempt = 1; ; attempt++) {
      try {
        return await identifyOnce(inbox, ci, standing, identifier);
      } catch (err) {
        if (attempt >= CAPTURE_ATTEMPTS) throw err;
        if (err instanceof NotFoundError) {
          // Another call of this visitor, sent at once, merged its contact into the owner of an
          // email it typed: it goes again from where its session points now (it answered 404).
          ci = await reload(ci._id).catch(() => Promise.reject(err));
          standing = await standingOf(ci);
          continue;
        }
        // Another session proved the same new identifier at the same moment (one person's two
        // tabs): its contact is the identity now, which this session joins as it would a moment later.
        if (!(await takenMeanwhile(inbox.account_id, ci.contact_id, { identifier }, err))) throw err;
      }
    }
  }

  async function identifyOnce(inbox: Inbox, ci: ContactInbox, standing: Standing, identifier: string): Promise<void> {
    const accountId = inbox.account_id;
    const { identifier: owner } = await keys.owners(accountId, { identifier });
    const ownerId = owner ? Number(owner._id) : undefined;
    if (ownerId === ci.contact_id) {
      await attach(ci, { hmac_verified: true });
    } else if (standing === 'own' && (await becomeIdentity(accountId, ci, identifier, ownerId))) {
      // Verified by becomeIdentity.
    } else if (ownerId !== undefined) {
      await attach(ci, { contact_id: ownerId, hmac_verified: true });
    } else {
      const contact = await contactsService.create(accountId, { identifier });
      await attach(ci, { contact_id: contact.id, visitor_contact_id: contact.id, hmac_verified: true });
    }
  }

  /**
   * Makes the visitor's own contact the proven identity, if it holds no identifier yet, and marks
   * the session verified; answers whether it did. Given the identifier, the contact is written and
   * the session verified under the contact's merge lock: a merge of the visitor into the owner of
   * an email it typed at the same moment (another call of the same session) ran between the two,
   * saw an anonymous visitor, and handed the just-verified session to that email's owner. Now such
   * a merge runs wholly before (this write then finds the contact gone, and identify goes again)
   * or after (it finds the identifier and refuses: mergeeUnidentified).
   */
  async function becomeIdentity(accountId: number, ci: ContactInbox, identifier: string, ownerId: number | undefined): Promise<boolean> {
    const contactId = ci.contact_id;
    if (!isGap((await contactsService.show(accountId, contactId)).identifier)) return false;
    if (ownerId !== undefined) {
      await mergeContacts(accountId, ownerId, contactId, visitorMerge);
      await attach(ci, { hmac_verified: true });
      return true;
    }
    const held = await locks.acquire(accountId, [contactId]);
    try {
      // Conditional on the version written: an identifier the account set meanwhile is not replaced.
      const { payload: updated } = await contactsService.update(accountId, contactId, { identifier }, { narrow: (current, changes) => (isGap(current.identifier) ? changes : {}) });
      if (updated.identifier !== identifier) return false;
      await attach(ci, { hmac_verified: true });
      return true;
    } finally {
      await held.release();
    }
  }

  /**
   * What a guest may write to somebody else's contact: only values it lacks, never a key another
   * contact holds. Decided on the contact as the versioned write reads it, so a value that arrived
   * since is not overwritten.
   */
  const gapsOnly =
    (taken: { email: boolean; phone: boolean }): NarrowChanges =>
    (current, changes) => {
      const gaps: ContactChanges = {};
      // A placeholder name is no name, as the merge reads it: the name typed during the merge
      // replaced it, and the same name typed after it was dropped.
      if (changes.name && (isGap(current.name) || isPlaceholderVisitorName(current.name!))) gaps.name = changes.name;
      if (changes.thumbnail && isGap(current.thumbnail)) gaps.thumbnail = changes.thumbnail;
      if (changes.email && !current.email && !taken.email) gaps.email = changes.email;
      if (changes.phone_number && !current.phone_number && !taken.phone) gaps.phone_number = changes.phone_number;
      const attributes = Object.entries(changes.custom_attributes ?? {}).filter(([key]) => isGap(current.custom_attributes?.[key]));
      if (attributes.length) gaps.custom_attributes = Object.fromEntries(attributes);
      return gaps;
    };

  /**
   * Applies what the visitor typed. When its email or phone belongs to another contact, the
   * visitor's other values are saved first and the visitor is then merged into that contact,
   * whose values win. A verified visitor is never merged by what it typed (it is somebody known,
   * and its identity must not move to whoever owns that email): that answers 422. A blocked
   * visitor is not merged either (see keepBlock), silently, as the widget never tells a visitor
   * it is blocked. A guest only fills gaps of the contact it is attached to.
   */
  async function capture(accountId: number, ci: ContactInbox, standing: Standing, fields: VisitorFields): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await captureOnce(accountId, ci, standing, fields);
      } catch (err) {
        if (attempt >= CAPTURE_ATTEMPTS) throw err;
        if (err instanceof NotFoundError || err instanceof MergeeIdentifiedError) {
          // A merge moved this visitor meanwhile (another of its own calls, sent at once, merged it
          // into the owner of the email it typed) or merged away the contact it was being merged
          // into: it goes again from where its session points now. It answered 404, and the
          // message of a pre-chat form sent twice was recorded nowhere. Or the visitor proved an
          // identity meanwhile (another call of its own): verified now, it is not merged on its word.
          // A session gone too (its contact deleted) answers the contact's 404, not its own.
          ci = await reload(ci._id).catch(() => Promise.reject(err));
          standing = await standingOf(ci);
          continue;
        }
        // Another visitor (or writer) took the email or phone between the owners' read and the
        // write: read the owners again, and this visitor is merged into the one that took it.
        // Several visitors typing one new email at once each answered 422 naming its owner.
        if (standing === 'verified' || !(await takenMeanwhile(accountId, ci.contact_id, fields, err))) throw err;
      }
    }
  }

  /** Whether `err` refused a value of `fields` (an email, phone or identifier) that another contact now holds. */
  async function takenMeanwhile(accountId: number, contactId: number, fields: VisitorFields & { identifier?: string }, err: unknown): Promise<boolean> {
    if (!(err instanceof ValidationError) || (err.field !== 'email' && err.field !== 'phone_number' && err.field !== 'identifier')) return false;
    const value = err.field === 'identifier' ? fields.identifier : toContactChanges(fields)[err.field];
    if (!value) return false;
    // The winner's key is taken before its contact is written: until that write lands, the
    // value has no owner to be merged into, so it is looked for again a moment later.
    for (let look = 0; look < 5; look++) {
      const owner = (await keys.owners(accountId, { [err.field]: value }))[err.field];
      if (owner) return Number(owner._id) !== contactId;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async function captureOnce(accountId: number, ci: ContactInbox, standing: Standing, fields: VisitorFields): Promise<number> {
    const contactId = ci.contact_id;
    if (!Object.keys(fields).length) return contactId;
    const changes = toContactChanges(fields);
    const owners = await keys.owners(accountId, { email: changes.email, phone_number: changes.phone_number });
    const other = (owner: (typeof owners)['email']) => (owner && Number(owner._id) !== contactId ? owner : undefined);
    const emailOwner = other(owners.email);
    const phoneOwner = other(owners.phone_number);

    if (!speaksFor(standing)) {
      await contactsService.update(accountId, contactId, fields, { narrow: gapsOnly({ email: !!emailOwner, phone: !!phoneOwner }) });
      return contactId;
    }
    const base = emailOwner ?? phoneOwner;
    if (base && standing === 'verified') {
      const field = emailOwner ? 'email' : 'phone_number';
      throw new ValidationError(`${field} already belongs to another contact`, field);
    }
    // A phone held by a third contact is left out: two existing people are not merged on a visitor's word.
    const own: VisitorFields = { ...fields };
    if (emailOwner) delete own.email;
    if (phoneOwner) delete own.phone_number;
    // Should the block land after this read, the merge keeps it (mergedValues): it is not shed either way.
    const merging = !!base && !(await contactsService.show(accountId, contactId)).blocked;
    if (Object.keys(own).length) await contactsService.update(accountId, contactId, own, { narrow: keepBlock });
    if (!merging) return contactId;
    await mergeContacts(accountId, Number(base._id), contactId, guestMerge);
    return Number(base._id);
  }

  /**
   * A blocked contact keeps its email and phone: what its visitor types may fill them, not clear
   * or replace them. Freed, an address could be typed again on a new visitor, whose unblocked
   * contact outbound messages would reach; kept, that visitor is merged into the blocked contact.
   * For the same reason a blocked visitor is not merged into the contact whose email or phone it
   * typed: the merged contact would be blocked (mergedValues), so typing somebody's email would
   * block them. Its typed address is dropped instead.
   */
  const keepBlock: NarrowChanges = (current, changes) => {
    if (!current.blocked) return changes;
    const kept = { ...changes };
    if (current.email && kept.email !== undefined && kept.email !== current.email) delete kept.email;
    if (current.phone_number && kept.phone_number !== undefined && kept.phone_number !== current.phone_number) delete kept.phone_number;
    return kept;
  };

  /**
   * The visitor as it is now. With its contact's id known (`contactId`, what the call just wrote)
   * the two are read at once; if a concurrent call moved the visitor meanwhile, they are read again in turn.
   */
  async function present(accountId: number, contactInboxId: number, contactId?: number): Promise<VisitorPayload> {
    if (contactId !== undefined) {
      const [ci, contact] = await Promise.all([reload(contactInboxId), contactsService.show(accountId, contactId).catch(() => null)]);
      if (contact && ci.contact_id === contactId) return toVisitorPayload(contact, ci, !speaksFor(await standingOf(ci)));
    }
    const ci = await reload(contactInboxId);
    return presentAs(accountId, ci, await standingOf(ci));
  }

  const presentAs = async (accountId: number, ci: ContactInbox, standing: Standing) =>
    toVisitorPayload(await contactsService.show(accountId, ci.contact_id), ci, !speaksFor(standing));

  const visitorFields = ({ name, email, phone_number, avatar_url, custom_attributes }: VisitorInput): VisitorFields =>
    Object.fromEntries(Object.entries({ name, email, phone_number, avatar_url, custom_attributes }).filter(([, v]) => v !== undefined));

  /**
   * The 422 an identify answers when the email or phone it carries is another contact's (a verified
   * visitor is not merged by what it typed: captureOnce), asked before anything is written: the
   * identifier used to be saved, or a contact made for it, before the 422. The identity is the
   * identifier's owner, else the visitor's own contact when it may become one (`own`), else a
   * contact made for it, which holds no address yet.
   */
  async function refuseAddressesOfOthers(accountId: number, input: VisitorInput, own?: { ci: ContactInbox; standing: Standing }): Promise<void> {
    if (!input.identifier) return;
    const changes = toContactChanges(visitorFields(input));
    if (!changes.email && !changes.phone_number) return;
    const owners = await keys.owners(accountId, { identifier: trimText(input.identifier), email: changes.email, phone_number: changes.phone_number });
    let identity = owners.identifier ? Number(owners.identifier._id) : undefined;
    if (identity === undefined && own?.standing === 'own' && isGap((await contactsService.show(accountId, own.ci.contact_id)).identifier)) identity = own.ci.contact_id;
    for (const field of ['email', 'phone_number'] as const) {
      const owner = owners[field];
      if (owner && Number(owner._id) !== identity) throw new ValidationError(`${field} already belongs to another contact`, field);
    }
  }

  async function update(inbox: Inbox, ci: ContactInbox, standing: Standing, input: VisitorInput): Promise<VisitorPayload> {
    // A bad claim is a 401 before anything else is said of the request.
    if (input.identifier) checkClaim(inbox, input.identifier, input.identifier_hash);
    await refuseAddressesOfOthers(inbox.account_id, input, { ci, standing });
    if (input.identifier) {
      await identify(inbox, ci, standing, input.identifier);
      // Identifying may have pointed the visitor at another contact: what follows reads it again.
      ci = await reload(ci._id);
      standing = await standingOf(ci);
    }
    const contactId = await capture(inbox.account_id, ci, standing, visitorFields(input));
    return present(inbox.account_id, ci._id, contactId);
  }

  return {
    /**
     * A new visitor in a website inbox: a contact and its source_id there, random or the one the
     * client chose. A chosen one that already names a visitor of the inbox answers that visitor,
     * as Chatwoot's public create does (whoever holds a source_id is its visitor anyway); it was
     * refused in the body and dropped from the query, and the client's id then answered 404.
     */
    async createVisitor(inboxIdentifier: string, { source_id: chosen, ...input }: NewVisitorInput): Promise<VisitorPayload> {
      const inbox = await inboxes.findByIdentifier(inboxIdentifier, 'web_widget');
      // A bad claim creates nothing, nor does an address of another contact beside the claim.
      if (input.identifier) checkClaim(inbox, input.identifier, input.identifier_hash);
      await refuseUndefinedKeys(inbox, input.custom_attributes);
      if (chosen !== undefined && (await inboxes.findContactInbox(inbox._id, chosen))) {
        const { contactInbox, standing } = await visitor(inboxIdentifier, chosen, input.identifier !== undefined);
        return update(inbox, contactInbox, standing, input);
      }
      await refuseAddressesOfOthers(inbox.account_id, input);
      const contact = await contactsService.create(inbox.account_id, { name: placeholderVisitorName() });
      // Two creates racing with one new chosen id end as one visitor, the later one's contact.
      const contactInbox = await inboxes.createContactInbox(inbox, contact.id, chosen ?? randomUUID());
      await markSeen(contactInbox, 'own');
      return update(inbox, contactInbox, 'own', input);
    },

    async showVisitor(inboxIdentifier: string, sourceId: string): Promise<VisitorPayload> {
      const { inbox, contactInbox, standing } = await visitor(inboxIdentifier, sourceId);
      return presentAs(inbox.account_id, contactInbox, standing);
    },

    /** Identify (identifier + identifier_hash) and/or update the visitor's details. */
    async updateVisitor(inboxIdentifier: string, sourceId: string, input: VisitorInput): Promise<VisitorPayload> {
      const { inbox, contactInbox, standing } = await visitor(inboxIdentifier, sourceId, input.identifier !== undefined);
      await refuseUndefinedKeys(inbox, input.custom_attributes);
      return update(inbox, contactInbox, standing, input);
    },

    /** The pre-chat form with the first message: the contact is created or updated, then the conversation recorded. */
    async startConversation(inboxIdentifier: string, sourceId: string, input: VisitorConversationInput): Promise<VisitorConversationPayload> {
      const { inbox, contactInbox, standing } = await visitor(inboxIdentifier, sourceId);
      for (const key of Object.keys(input.custom_attributes ?? {})) {
        const problem = checkAttributeKey(key);
        if (problem) throw new ValidationError(`custom_attributes: ${problem}`, 'custom_attributes');
      }
      const defined = await refuseUndefinedKeys(inbox, input.contact?.custom_attributes, 'contact.custom_attributes');
      const form = preChatFormOf(inbox.settings as WebsiteSettings);
      if (form.enabled) {
        input = withoutBlankAnswers(form.options.pre_chat_fields, input);
        const missing = await missingPreChatField(form.options.pre_chat_fields, input, () => contactsService.show(inbox.account_id, contactInbox.contact_id));
        if (missing) throw new ValidationError(missing.message, missing.field);
        const answers = checkedConversationAnswers(form.options.pre_chat_fields, input.custom_attributes);
        if (answers.problem) throw new ValidationError(answers.problem.message, answers.problem.field);
        const contactAnswers = checkedNewContactAnswers(form.options.pre_chat_fields, input.contact?.custom_attributes, defined);
        if (contactAnswers.problem) throw new ValidationError(contactAnswers.problem.message, contactAnswers.problem.field);
        // Every answer fits before anything is defined: a refused form defines nothing.
        for (const attribute of contactAnswers.asked) await defineAsked(inbox.account_id, attribute);
        input = {
          ...input,
          custom_attributes: answers.attributes,
          ...(input.contact ? { contact: { ...input.contact, custom_attributes: contactAnswers.attributes } } : {}),
        };
      }
      // The contact's values came under `contact` here: a refusal names them there (custom_attributes.plan
      // named the conversation's attribute of that key, which the form sends beside it).
      const contactId = await namedUnder('contact', () => capture(inbox.account_id, contactInbox, standing, input.contact ?? {}));
      const { conversation, messages } = await messaging.recordIncoming({
        accountId: inbox.account_id,
        inboxId: inbox._id,
        contactId,
        contactInboxId: contactInbox._id,
        content: input.message?.content,
        customAttributes: input.custom_attributes,
      });
      // The visitor's answer: the public shape the widget reads its conversations in (it was the
      // account API's, with the message's delivery fields and the account and contact ids).
      const contact = await present(inbox.account_id, contactInbox._id, contactId);
      // The form's message is the visitor's own: no agent's to look up.
      return { ...toVisitorConversationFields(conversation, messages, { visitor: contact, users: new Map() }), contact };
    },

    /** The visitor's own conversations in this inbox, with their messages (what the widget shows), a page at a time. */
    async conversationPagesOf(inboxIdentifier: string, sourceId: string): Promise<AsyncIterable<VisitorConversationPayload[]>> {
      const { inbox, contactInbox, standing } = await visitor(inboxIdentifier, sourceId);
      const pages = await messaging.visitorConversationPages(contactInbox, speaksFor(standing));
      // Each as the pre-chat form answered it, with its visitor (Chatwoot's public conversation has its contact).
      const contact = await presentAs(inbox.account_id, contactInbox, standing);
      return (async function* () {
        for await (const { conversations, users } of pages) {
          yield conversations.map(({ conversation, messages }) => ({ ...toVisitorConversationFields(conversation, messages, { visitor: contact, users }), contact }));
        }
      })();
    },

    /** One of the visitor's conversations' messages; anybody else's conversation answers 404. */
    async messagesOf(inboxIdentifier: string, sourceId: string, conversationId: number): Promise<PublicMessagePayload[]> {
      const { inbox, contactInbox, standing } = await visitor(inboxIdentifier, sourceId);
      const { messages, users } = await messaging.visitorMessages(contactInbox, conversationId, speaksFor(standing));
      const senders = { visitor: await presentAs(inbox.account_id, contactInbox, standing), users };
      return messages.map((message) => toPublicMessagePayload(message, senders));
    },

    /** The email a visitor typed into the greeting's "get notified by email" prompt. */
    async collectEmail(inboxIdentifier: string, sourceId: string, email: string): Promise<VisitorPayload> {
      const { inbox, contactInbox, standing } = await visitor(inboxIdentifier, sourceId);
      const contactId = await capture(inbox.account_id, contactInbox, standing, { email });
      return present(inbox.account_id, contactInbox._id, contactId);
    },
  };
}

export type CaptureService = ReturnType<typeof createCaptureService>;

/** Runs `work`, a refusal of a field of the body's `prefix` object named by its place in the body. */
async function namedUnder<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ValidationError && err.constructor === ValidationError && err.field) throw new ValidationError(err.message, `${prefix}.${err.field}`);
    throw err;
  }
}
