import { z } from 'zod';
import { inboxPayloadSchema, inboxSlimSchema } from './inbox.presenter';

/** Chatwoot's contact inbox: the inbox and the contact's address in it (contactable_inboxes, and create with inbox_id). */
export const contactInboxPayloadSchema = z.object({ source_id: z.string(), inbox: inboxPayloadSchema }).meta({ id: 'ContactInbox' });

export type ContactInboxPayload = z.infer<typeof contactInboxPayloadSchema>;

/** A contact's own `contact_inboxes` entry: Chatwoot's `_contact_inbox`, whose inbox is the slim one. */
export const contactInboxOfContactSchema = z.object({ source_id: z.string(), inbox: inboxSlimSchema }).meta({ id: 'ContactInboxOfContact' });

export type ContactInboxOfContact = z.infer<typeof contactInboxOfContactSchema>;
