import { pathId } from '../shared/id-schema';
import { z, type ZodType } from 'zod';
import { trimText } from '../shared/trim-text';
import { acceptingAlso, nullAsAbsent } from '../shared/documented-input';
import { contactInputSchema, keysCheckedFirst, notTextOrWholeNumber, wholeNumberAsText } from '../contacts/contacts.schemas';
import { conversationAttributes, messageContent } from '../messaging/messaging.schemas';

/**
 * A visitor's blank value is no value: Chatwoot's widget sends null for every pre-chat field left
 * empty, and a site's setUser a user's missing name or phone, and Chatwoot (ContactIdentifyAction)
 * drops blanks rather than write them. Written, each erased what the contact held (an agent's
 * name and phone gone on the next page view).
 */
const blankIsAbsent = <T extends ZodType>(schema: T) =>
  acceptingAlso(
    z.preprocess((value) => (value === null || (typeof value === 'string' && trimText(value) === '') ? undefined : value), schema),
    { type: 'null', description: 'the same as absent: a blank value leaves the contact as it is' },
    { const: '', description: 'the same as absent' },
  );

/** What a website visitor may say about itself: the pre-chat form's fields, and the avatar Chatwoot's client API takes. */
export const visitorFieldsSchema = contactInputSchema.pick({ custom_attributes: true }).extend({
  name: blankIsAbsent(contactInputSchema.shape.name),
  email: blankIsAbsent(contactInputSchema.shape.email),
  phone_number: blankIsAbsent(contactInputSchema.shape.phone_number),
  avatar_url: blankIsAbsent(contactInputSchema.shape.avatar_url),
});
export type VisitorFields = z.infer<typeof visitorFieldsSchema>;

export const visitorInputSchema = visitorFieldsSchema
  .extend({
    // Kept as sent: identifier_hash signs these exact characters. The contact is given it trimmed
    // (capture.service.ts), as every text field of a contact is.
    // The widget's setUser passes the site's user id as the page holds it, often a number: its
    // decimal text is what the site signs.
    // Blank is absent, as for the fields above (ContactIdentifyAction reads `identifier.present?`):
    // a site's setUser for a user without an id sends "" with the name it has.
    identifier: acceptingAlso(
      z.preprocess(
        (value) => (value === null || (typeof value === 'string' && trimText(value) === '') ? undefined : wholeNumberAsText(value)),
        z
          // zod said "expected string, received number" of a field that takes whole numbers.
          .string({ error: (issue) => notTextOrWholeNumber('identifier', issue.input, { negative: true }) })
          // Counted once trimmed, as it is stored: a raw limit of 1,000 beside it refused a short id padded past it, saying 255.
          .refine((value) => value.trim().length <= 255, 'must be at most 255 characters')
          .optional()
          .describe('your user id for the visitor; taken only with a valid identifier_hash (401 otherwise)'),
      ),
      { type: 'integer', description: 'a whole number is the identifier written in decimal' },
      { type: 'null', description: 'the same as absent' },
      { const: '', description: 'the same as absent' },
    ),
    // Blank is absent too (Chatwoot reads `identifier_hash.present?`): a setUser without a hash sends "".
    identifier_hash: acceptingAlso(
      z.preprocess(
        (value) => (value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value),
        z.string().max(256).optional().describe("hex HMAC-SHA256 of identifier, keyed with the inbox's hmac_token"),
      ),
      { type: 'null', description: 'the same as absent' },
      { const: '', description: 'the same as absent' },
    ),
  })
  // A hash proves an identifier; alone it proves nothing, and ignoring it would let a client
  // believe its visitor was verified.
  .refine((body) => body.identifier_hash === undefined || body.identifier !== undefined, {
    message: 'identifier_hash needs the identifier it signs',
    path: ['identifier'],
  });
export type VisitorInput = z.infer<typeof visitorInputSchema>;

/**
 * A source_id the client chooses for a new visitor, as Chatwoot's public create takes it (else
 * a random one): it is the visitor's credential on every later call, so it must be usable in a
 * path as given — no spaces or control characters — and as long as the routes take.
 */
const chosenSourceId = nullAsAbsent(
  z
    .string()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    // Spelt out, not \p{Cc}: the pattern is in the API document, read by tools without Unicode property escapes.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\s\u0000-\u001f\u007f-\u009f]+$/, 'must hold no spaces or control characters')
    .optional()
    .describe("the visitor's session id, chosen by the client (Chatwoot's source_id); a random one when absent; one that exists in the inbox answers that visitor"),
);

/** Chatwoot's public create: the visitor's fields and, optionally, the source_id it wants (in the body or the query). */
export const newVisitorInputSchema = visitorInputSchema.safeExtend({ source_id: chosenSourceId });
export type NewVisitorInput = z.infer<typeof newVisitorInputSchema>;
export const newVisitorQuery = z.object({ source_id: chosenSourceId });

/** Chatwoot's widget sends the pre-chat form as `contact` beside the first `message`. */
export const visitorConversationSchema = z.strictObject({
  contact: visitorFieldsSchema.optional(),
  // Chatwoot's widget sends its first message with `timestamp` and `referer_url`, its client API
  // with `echo_id`: read and not kept. Any other key is a 422 naming it (one was dropped in silence).
  message: z
    .strictObject({
      content: messageContent,
      timestamp: z.union([z.string(), z.number()]).nullable().optional(),
      referer_url: z.string().nullable().optional(),
      echo_id: z.union([z.string(), z.number()]).nullable().optional(),
    })
    .optional(),
  custom_attributes: keysCheckedFirst(conversationAttributes).optional(),
});
export type VisitorConversationInput = z.infer<typeof visitorConversationSchema>;

export const emailCollectSchema = z.strictObject({
  // The error map answers for the type only: given to the string, it also named every failed check ("must be a string" for one too long).
  email: z
    .string({ error: (issue) => (issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? 'email is required' : 'email must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(254, 'must be at most 254 characters'),
});

export const inboxPublicParams = z.object({ inbox_identifier: z.string().min(1).max(100) });
export const visitorParams = inboxPublicParams.extend({ source_id: z.string().min(1).max(100) });
export const visitorConversationParams = visitorParams.extend({
  conversation_id: pathId('conversation'),
});
