import { z } from 'zod';
import { bodyId } from '../shared/id-schema';

export const MAX_MESSAGE_LENGTH = 20000;

export const messageContent = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((value) => value.trim().length > 0, 'must not be empty');

export const newConversationSchema = z.object({
  inbox_id: bodyId('inbox_id must be an inbox id (a positive integer)'),
  contact_id: bodyId('contact_id must be a contact id (a positive integer)'),
  // Chatwoot clients send the contact_inbox's source_id; the contact and inbox decide it here.
  source_id: z.string().optional(),
  // Strict: a key this service does not act on must not pass for done. `private: true` above all:
  // meant as an internal note, it would have been delivered to the contact.
  message: z
    .object({
      content: messageContent,
      private: z.literal(false, 'a private note cannot open a conversation: it would be sent to the contact; leave private out').optional(),
    })
    .strict(),
});
export type NewConversationInput = z.infer<typeof newConversationSchema>;

export const contactParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('contact id must be a positive integer'),
});
