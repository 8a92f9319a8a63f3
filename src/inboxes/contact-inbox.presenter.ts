import { z } from 'zod';
import { inboxPayloadSchema } from './inbox.presenter';

/** Chatwoot's contact inbox: the inbox and the contact's address in it (contactable_inboxes, and create with inbox_id). */
export const contactInboxPayloadSchema = z.object({ source_id: z.string(), inbox: inboxPayloadSchema }).meta({ id: 'ContactInbox' });

export type ContactInboxPayload = z.infer<typeof contactInboxPayloadSchema>;
