import { z } from 'zod';

export const MAX_MESSAGE_LENGTH = 20000;

export const messageContent = z
  .string()
  .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((value) => value.trim().length > 0, 'must not be empty');

export const newConversationSchema = z.object({
  inbox_id: z.coerce.number({ error: 'inbox_id must be an inbox id' }).int().positive('inbox_id must be a positive integer'),
  contact_id: z.coerce.number({ error: 'contact_id must be a contact id' }).int().positive('contact_id must be a positive integer'),
  // Chatwoot clients send the contact_inbox's source_id; the contact and inbox decide it here.
  source_id: z.string().optional(),
  message: z.object({ content: messageContent }),
});
export type NewConversationInput = z.infer<typeof newConversationSchema>;

export const contactParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('contact id must be a positive integer'),
});
