import { isDeepStrictEqual } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { Role } from '../accounts/account.model';
import type { Contact } from '../records/contact.model';
import { NotFoundError, ValidationError } from '../shared/errors';
import type { AccountRecords } from '../shared/account-records';
import type { IdAllocator } from '../shared/id-allocator';
import { outboundHostProblem, outboundUrlProblem } from '../shared/outbound-address';
import { parseOrThrow } from '../shared/validate';
import { channelSourceId, givenSourceIdProblem } from './channel-source-id';
import type { ContactInboxStore } from './contact-inbox-store';
import type { ContactInboxOfContact, ContactInboxPayload } from './contact-inbox.presenter';
import type { InboxKeyModel } from './inbox-key.model';
import type { ChannelType, Inbox, InboxModel } from './inbox.model';
import { maskSecret, SECRET_SETTINGS, toInboxPayload, toInboxSlim, type InboxPayload } from './inbox.presenter';
import { channelUpdateSchemas, type CreateInboxInput, type UpdateInboxInput } from './inboxes.schemas';

export interface InboxesServiceDeps {
  inboxes: InboxModel;
  /** The inboxes' public identifiers, read by _id. */
  inboxKeys: InboxKeyModel;
  /** The account's inboxes by id (account_links), so that listing them is two reads by _id. */
  listed: AccountRecords<Inbox>;
  contactInboxes: ContactInboxStore;
  nextIds: IdAllocator;
  /** Hosts a provider URL may name although they lead to loopback or private addresses (OUTBOUND_ALLOWED_HOSTS). */
  outboundAllowedHosts: readonly string[];
  /** Hands a deleted inbox's contact inboxes to a job; when that fails they are removed within the request. */
  enqueueRemoval: (job: InboxRemovalJob) => Promise<unknown>;
}

export interface InboxRemovalJob {
  accountId: number;
  inboxId: number;
}

const newHmacToken = () => randomBytes(32).toString('hex');

const isSecretSetting = (key: string) => (SECRET_SETTINGS as readonly string[]).includes(key);

/** The value is the secret as responses show it (maskSecret), not a new secret. */
const isMaskOf = (value: unknown, secret: unknown) => typeof value === 'string' && typeof secret === 'string' && value === maskSecret(secret);

/** Who reads an inbox: administrators see the HMAC secret (they configure the site that signs), agents its mask. */
export interface InboxViewer {
  role: Role;
}
const revealedTo = (viewer: InboxViewer): string[] => (viewer.role === 'administrator' ? ['hmac_token'] : []);

/**
 * How many contact inboxes a contact is answered with, in a list, a search or its own page: each
 * website session a visitor merged into the contact brings one, and the public widget routes make
 * them (300 a minute from one address), so without a bound a contact's every answer grew with
 * them (50 KB at 300; a page of 60 contacts linked to 201 inboxes took 0.65 s and 2 MB).
 */
export const CONTACT_INBOXES_SHOWN = 50;

export function createInboxesService({ inboxes, inboxKeys, listed, contactInboxes, nextIds, outboundAllowedHosts, enqueueRemoval }: InboxesServiceDeps) {
  /** A provider URL or SMTP host must lead to the internet, not inside (checked again at each delivery). */
  async function checkOutboundHosts(settings: object): Promise<void> {
    const { provider_url: url, smtp_address: host } = settings as { provider_url?: unknown; smtp_address?: unknown };
    const [field, problem] =
      typeof url === 'string'
        ? ['provider_url', await outboundUrlProblem(url, outboundAllowedHosts)]
        : typeof host === 'string'
          ? ['smtp_address', await outboundHostProblem(host.replace(/^\[|\]$/g, '').toLowerCase(), outboundAllowedHosts)]
          : [];
    if (problem) throw new ValidationError(`channel.${field}: ${problem}`, `channel.${field}`);
  }

  async function find(accountId: number, id: number): Promise<Inbox> {
    const inbox = await inboxes.findOne({ _id: id, account_id: accountId }).lean();
    if (!inbox) throw new NotFoundError('inbox', id);
    return inbox;
  }

  return {
    /** The inbox with its secrets, for delivery and verification; never for a response. */
    find,

    /** The contact's record in the inbox under `sourceId` (a website visitor's session, an e-mail or phone address). */
    createContactInbox: contactInboxes.create,

    /** The contact inbox holding `sourceId` in the inbox, or null. */
    findContactInbox: contactInboxes.find,

    /** Changes a contact inbox; a new contact_id moves it between the contacts' lists. */
    updateContactInbox: contactInboxes.update,

    /**
     * The contact's website sessions verified by HMAC are no longer: the identifier they proved is
     * being taken off it (an agent correcting an identifier put on the wrong contact; an import row).
     * They kept reaching, and reading, the contact, while whoever holds the identifier now could not
     * be reached. A session proves itself again with the identifier it holds (the widget sends it
     * on every load).
     */
    async unverifyContact(accountId: number, contactId: number): Promise<void> {
      for (const ci of await contactInboxes.ofContact(accountId, contactId)) {
        if (ci.hmac_verified) await contactInboxes.update(ci, { hmac_verified: false });
      }
    },

    /** The contact's identities in the account's inboxes. */
    contactInboxesOf: contactInboxes.ofContact,

    /**
     * Chatwoot's `contact_inboxes` of each of these contacts: the inbox (the slim one, no settings)
     * and the contact's source_id there, oldest first (a record of an inbox gone meanwhile is left
     * out), at most the first CONTACT_INBOXES_SHOWN linked to each.
     */
    async contactInboxesOfContacts(accountId: number, contactIds: number[]): Promise<Map<number, ContactInboxOfContact[]>> {
      const byContact = new Map<number, ContactInboxOfContact[]>();
      const records = await contactInboxes.ofContacts(accountId, contactIds, CONTACT_INBOXES_SHOWN);
      if (!records.length) return byContact;
      const inboxById = new Map((await listed.all(accountId)).map((inbox) => [inbox._id, inbox]));
      for (const ci of records.sort((a, b) => a._id - b._id)) {
        const inbox = inboxById.get(ci.inbox_id);
        if (!inbox) continue;
        const list = byContact.get(ci.contact_id) ?? [];
        if (!list.length) byContact.set(ci.contact_id, list);
        list.push({ source_id: ci.source_id, inbox: toInboxSlim(inbox) });
      }
      return byContact;
    },

    /** A contact's inbox identities are deleted with it and follow it into a merge. */
    removeForContacts: contactInboxes.removeForContacts,
    moveToContact: contactInboxes.moveToContact,

    /**
     * Checks that a contact with these values can be linked to the inbox (it is the account's, and
     * the contact has the address its channel needs), and answers the function that makes the link
     * once the contact exists: POST /contacts with inbox_id checks before it writes anything.
     */
    async prepareContactInbox(
      accountId: number,
      inboxId: number,
      contact: Pick<Contact, 'email' | 'phone_number'>,
      givenSourceId?: string,
    ): Promise<(contactId: number) => Promise<ContactInboxPayload>> {
      const inbox = await find(accountId, inboxId);
      const address = channelSourceId(inbox, contact);
      if (!address.ok) throw new ValidationError(`the contact cannot be linked to inbox ${inboxId} (${inbox.channel_type}): ${address.reason}`, 'inbox_id');
      const problem = givenSourceId === undefined ? null : givenSourceIdProblem(inbox, givenSourceId, address.sourceId);
      if (problem) throw new ValidationError(problem, 'source_id');
      return async (contactId) => {
        const link = await contactInboxes.create(inbox, contactId, address.sourceId);
        return { source_id: link.source_id, inbox: toInboxPayload(inbox) };
      };
    },

    async findByIdentifier(inboxIdentifier: string, type: ChannelType): Promise<Inbox> {
      const key = await inboxKeys.findById(inboxIdentifier).lean();
      const inbox = key && (await inboxes.findById(key.inbox_id).lean());
      if (!inbox || inbox.inbox_identifier !== inboxIdentifier || inbox.channel_type !== type) throw new NotFoundError('inbox', inboxIdentifier);
      return inbox;
    },

    /** The account's inboxes with their secrets, oldest first; never for a response. */
    inboxesOf: (accountId: number) => listed.all(accountId),

    /** An administrator reads the HMAC secret in full, as in Chatwoot: the site's backend needs it to sign. */
    async list(accountId: number, viewer: InboxViewer): Promise<InboxPayload[]> {
      return (await listed.all(accountId)).map((inbox) => toInboxPayload(inbox, revealedTo(viewer)));
    },

    async show(accountId: number, id: number, viewer: InboxViewer): Promise<InboxPayload> {
      return toInboxPayload(await find(accountId, id), revealedTo(viewer));
    },

    /** Only administrators create inboxes: the generated HMAC secret is in the answer. */
    async create(accountId: number, input: CreateInboxInput): Promise<InboxPayload> {
      const { type, ...settings } = input.channel;
      await checkOutboundHosts(settings);
      const [id] = await nextIds('inboxes');
      const now = new Date();
      const inbox = {
        _id: id,
        account_id: accountId,
        name: input.name,
        channel_type: type,
        inbox_identifier: randomBytes(18).toString('base64url'),
        settings: type === 'web_widget' ? { ...settings, hmac_token: newHmacToken() } : settings,
        greeting_enabled: input.greeting_enabled,
        enable_email_collect: input.enable_email_collect,
        greeting_message: input.greeting_message,
        created_at: now,
        updated_at: now,
      } as Inbox;
      await listed.listed(accountId, id);
      await inboxKeys.create({ _id: inbox.inbox_identifier, inbox_id: id });
      await inboxes.create(inbox);
      return toInboxPayload(inbox, ['hmac_token']);
    },

    async update(accountId: number, id: number, input: UpdateInboxInput): Promise<InboxPayload> {
      const inbox = await find(accountId, id);
      const set: Record<string, unknown> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.greeting_enabled !== undefined) set.greeting_enabled = input.greeting_enabled;
      if (input.enable_email_collect !== undefined) set.enable_email_collect = input.enable_email_collect;
      if (input.greeting_message !== undefined) set.greeting_message = input.greeting_message;
      if (input.channel) {
        if ('type' in input.channel && input.channel.type !== inbox.channel_type) {
          throw new ValidationError('an inbox cannot change its channel type', 'channel.type');
        }
        const current = inbox.settings as unknown as Record<string, unknown>;
        const given = input.channel.hmac_token;
        if (given !== undefined && given !== current.hmac_token && !isMaskOf(given, current.hmac_token)) {
          // Ignored with a 200, the site went on signing with a secret nobody checks: every identify a 401.
          throw new ValidationError('channel.hmac_token: the HMAC secret is generated, not set by hand; POST /inboxes/{id}/reset_hmac_token makes a new one', 'channel.hmac_token');
        }
        // A secret sent back as it was shown (masked, or the HMAC secret in full) is kept: a form that
        // shows the inbox and saves it whole used to store the mask itself as the SMTP password or provider token.
        const changes = Object.fromEntries(
          Object.entries(input.channel).filter(
            ([key, value]) => key !== 'type' && key !== 'hmac_token' && !(isSecretSetting(key) && isMaskOf(value, current[key])),
          ),
        );
        const others = Object.fromEntries(Object.entries(current).filter(([key]) => key !== 'hmac_token'));
        const merged = parseOrThrow(channelUpdateSchemas[inbox.channel_type], { channel: { ...others, ...changes } }).channel as Record<string, unknown>;
        await checkOutboundHosts(merged);
        // Only the settings sent are written, each by its path: writing the settings whole put back
        // an HMAC secret that reset_hmac_token replaced meanwhile (the one it had shown stopped
        // verifying, the old one verified again), and undid another PATCH's change.
        for (const key of Object.keys(changes)) set[`settings.${key}`] = merged[key];
      }
      // Nothing to change writes nothing and leaves updated_at as it was, as Rails saves no record without changes.
      const held = (path: string) => (path.startsWith('settings.') ? (inbox.settings as unknown as Record<string, unknown>)[path.slice('settings.'.length)] : (inbox as unknown as Record<string, unknown>)[path]);
      for (const path of Object.keys(set)) if (isDeepStrictEqual(set[path], held(path))) delete set[path];
      if (!Object.keys(set).length) return toInboxPayload(inbox, ['hmac_token']);
      set.updated_at = new Date();
      const updated = await inboxes.findOneAndUpdate({ _id: id, account_id: accountId }, { $set: set }, { new: true }).lean();
      if (!updated) throw new NotFoundError('inbox', id);
      return toInboxPayload(updated, ['hmac_token']);
    },

    /** A new secret: every identifier_hash signed with the old one stops verifying. */
    async resetHmacToken(accountId: number, id: number): Promise<InboxPayload> {
      const inbox = await find(accountId, id);
      if (inbox.channel_type !== 'web_widget') throw new ValidationError('only website inboxes have an HMAC secret', 'id');
      const updated = await inboxes
        .findOneAndUpdate({ _id: id, account_id: accountId }, { $set: { 'settings.hmac_token': newHmacToken(), updated_at: new Date() } }, { new: true })
        .lean();
      if (!updated) throw new NotFoundError('inbox', id);
      return toInboxPayload(updated, ['hmac_token']);
    },

    /**
     * The inbox goes at once (its visitors' routes answer 404 from then on); its contact inboxes,
     * possibly millions, are removed by a job walking the inbox's lists.
     */
    async remove(accountId: number, id: number): Promise<void> {
      const removed = await inboxes.findOneAndDelete({ _id: id, account_id: accountId }).lean();
      if (!removed) throw new NotFoundError('inbox', id);
      await inboxKeys.deleteOne({ _id: removed.inbox_identifier, inbox_id: id });
      await listed.unlisted(accountId, id);
      try {
        await enqueueRemoval({ accountId, inboxId: id });
      } catch {
        await contactInboxes.removeInbox(accountId, id);
      }
    },

    /** The job's work: the contact inboxes of a deleted inbox (safe to run twice). */
    async finishRemoval(job: InboxRemovalJob): Promise<number> {
      return contactInboxes.removeInbox(job.accountId, job.inboxId);
    },
  };
}

export type InboxesService = ReturnType<typeof createInboxesService>;
