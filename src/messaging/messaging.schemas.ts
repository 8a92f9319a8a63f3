import { z } from 'zod';
import { keysCheckedFirst } from '../contacts/contacts.schemas';
import { checkNestedKeys, customAttributeKeyProblem, normalizeEmail } from '../records/contact-fields';
import { refuseControlCharacters } from '../shared/control-characters';
import { bodyId, pathId } from '../shared/id-schema';
import { trimText } from '../shared/trim-text';
import { railsBoolean } from '../shared/rails-boolean';

export const MAX_MESSAGE_LENGTH = 20000;

// A content of zero-width characters only went out as an invisible SMS, and a NUL reached the
// provider: refused as a note's or a contact's text would be.
export const messageContent = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((value) => trimText(value).length > 0, 'must not be empty')
  .superRefine(refuseControlCharacters);

export const MAX_CONVERSATION_ATTRIBUTES = 50;
export const MAX_CONVERSATION_ATTRIBUTES_CHARS = 16384;

// Conversation custom attributes, from anonymous visitors (the widget) and agents alike: keys checked at every depth as a contact's are (a "$" or "." key was
// a 500 from MongoDB), and bounded in number and size, or one IP could store a megabyte a request.
export const conversationAttributes = z.record(z.string(), z.unknown()).superRefine((attributes, ctx) => {
  const keys = Object.keys(attributes);
  if (keys.length > MAX_CONVERSATION_ATTRIBUTES) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_CONVERSATION_ATTRIBUTES} conversation attributes` });
    return;
  }
  for (const key of keys) {
    const problem = customAttributeKeyProblem(key) ?? checkNestedKeys(attributes[key], key);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
  }
  if (JSON.stringify(attributes).length > MAX_CONVERSATION_ATTRIBUTES_CHARS) {
    ctx.addIssue({ code: 'custom', message: `conversation attributes must be at most ${MAX_CONVERSATION_ATTRIBUTES_CHARS} characters as JSON` });
  }
});

export const MAX_MAIL_SUBJECT = 255;

// Chatwoot keeps a conversation's additional attributes beside its custom ones; an e-mail's
// subject is one of them (`mail_subject`, the dashboard's Subject field), and is the e-mail's.
const conversationAdditionalAttributes = conversationAttributes.superRefine((attributes, ctx) => {
  const subject = attributes.mail_subject;
  if (subject === undefined || subject === null) return;
  if (typeof subject !== 'string') ctx.addIssue({ code: 'custom', path: ['mail_subject'], message: 'mail_subject must be a text: the e-mail\'s subject' });
  else if (/[\r\n]/.test(subject)) ctx.addIssue({ code: 'custom', path: ['mail_subject'], message: 'mail_subject must be one line' });
  else if (subject.length > MAX_MAIL_SUBJECT) ctx.addIssue({ code: 'custom', path: ['mail_subject'], message: `mail_subject must be at most ${MAX_MAIL_SUBJECT} characters` });
});

export const MAX_COPIES = 20;

/**
 * Chatwoot's `cc_emails` / `bcc_emails`: addresses separated by commas (as its dashboard sends
 * them) or a list; each read as a contact's email is. Empty is none.
 */
const emailCopies = (field: string) =>
  z
    .union([z.string().max(10000), z.array(z.string().max(320)).max(MAX_COPIES)], `${field} must be e-mail addresses separated by commas, or a list of them`)
    .nullable()
    .optional()
    .transform((given, ctx) => {
      const parts = (typeof given === 'string' ? given.split(',') : (given ?? [])).map((part) => part.trim()).filter(Boolean);
      if (parts.length > MAX_COPIES) ctx.addIssue({ code: 'custom', message: `${field} takes at most ${MAX_COPIES} addresses` });
      const addresses: string[] = [];
      for (const part of parts) {
        const email = normalizeEmail(part);
        if (email.ok) addresses.push(email.value);
        else ctx.addIssue({ code: 'custom', message: `${field}: ${email.error}` });
      }
      return addresses.length ? [...new Set(addresses)] : undefined;
    });

// A Chatwoot field this service does not act on: absent, null or (for a hash) empty, as Chatwoot's
// clients send them unset; a value that means something is a 422 naming it, never dropped with a 200.
const notKept = (key: string, why: string) => z.null(`${key} is not kept here (${why}): leave it out or send null`).optional();

// Strict: an unknown key is a 422 naming it.
const MESSAGE_REQUIRED = 'message is required, {"content": "..."}: a conversation is started here by the message it sends (messages are not added to a conversation afterwards)';

export const newConversationSchema = z
  .strictObject({
    inbox_id: bodyId('inbox_id must be an inbox id (a positive integer)', 'inbox_id is required: the inbox the message is sent through'),
    // Optional with a source_id: Chatwoot's documented call names the contact by the contact
    // inbox's source_id alone (as POST /contacts with inbox_id answered it).
    contact_id: bodyId('contact_id must be a contact id (a positive integer)').optional(),
    // Chatwoot clients send the contact_inbox's source_id: it must be the contact's address in the
    // inbox (or, in a website inbox, one of its verified sessions, which it picks); see startConversation.
    // null, as a client sends it unset, is no source_id: the inbox's own address for the contact.
    source_id: z.string().max(255).nullable().optional().transform((value) => value ?? undefined),
    // Conversations here are open until answered; Chatwoot's other statuses have no meaning yet.
    status: z.literal('open', 'a new conversation is open; pending, snoozed and resolved are not kept here').optional(),
    custom_attributes: keysCheckedFirst(conversationAttributes).optional(),
    // Chatwoot's dashboard assigns the conversation it starts (to whoever starts it, by default).
    assignee_id: bodyId('assignee_id must be a user id (a positive integer)').nullable().optional().transform((value) => value ?? undefined),
    team_id: notKept('team_id', 'conversations are not assigned to teams'),
    snoozed_until: notKept('snoozed_until', 'a new conversation is open'),
    additional_attributes: keysCheckedFirst(conversationAdditionalAttributes).nullable().optional(),
    // Strict: a key this service does not act on must not pass for done. `private: true` above all:
    // meant as an internal note, it would have been delivered to the contact.
    // Required: a conversation here is started by the message it sends (SPEC §6); Chatwoot opens
    // one without and adds messages by POST /conversations/{id}/messages, which is not served.
    message: z
      .object(
        {
          content: messageContent,
          // As Rails casts it: a form sends "false" or "0".
          private: z.preprocess(railsBoolean, z.literal(false, 'a private note cannot open a conversation: it would be sent to the contact; leave private out')).optional(),
          cc_emails: emailCopies('cc_emails'),
          bcc_emails: emailCopies('bcc_emails'),
          template_params: notKept('template_params', 'WhatsApp templates are not sent: the message goes as text'),
        },
        // Only for a missing message: any other fault inside it keeps its own words.
        { error: (issue) => (issue.input === undefined || issue.input === null ? MESSAGE_REQUIRED : undefined) },
      )
      .strict(),
  })
  .refine((body) => body.contact_id !== undefined || body.source_id !== undefined, {
    message: 'contact_id is required, or the source_id of the contact in the inbox (as POST /contacts with inbox_id answered it)',
    path: ['contact_id'],
  });
export type NewConversationInput = z.infer<typeof newConversationSchema>;

/** Chatwoot's POST /contacts/{id}/contact_inboxes: the contact's record in an inbox, which outbound messages then name by its source_id. */
export const newContactInboxSchema = z.strictObject({
  inbox_id: bodyId('inbox_id must be an inbox id (a positive integer)', 'inbox_id is required: the inbox the contact is linked to'),
  // As POST /contacts with inbox_id takes it: the address the inbox derives, or none.
  source_id: z.string().max(255).nullable().optional().transform((value) => value ?? undefined),
  // Chatwoot lets an API caller set it; here only a valid identifier_hash verifies a contact (SPEC §6).
  hmac_verified: z.literal(false, 'hmac_verified cannot be set: a contact is verified by identifying with a valid identifier_hash').nullable().optional(),
});
export type NewContactInboxInput = z.infer<typeof newContactInboxSchema>;

export const contactParams = z.object({
  account_id: z.string(),
  id: pathId('contact'),
});

export const conversationParams = z.object({
  account_id: z.string(),
  id: pathId('conversation'),
});

export const conversationMessageParams = z.object({
  account_id: z.string(),
  conversation_id: pathId('conversation'),
  id: pathId('message'),
});
