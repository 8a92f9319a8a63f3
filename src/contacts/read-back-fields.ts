import { z } from 'zod';
import { toContactPayload } from '../records/contact.presenter';
import type { Contact } from '../records/contact.model';
import { acceptingAlso } from '../shared/documented-input';
import { ValidationError } from '../shared/errors';

// A form sends every value as text, and a JSON client may send an id so: its digits are the number.
const digitsAsNumber = (value: unknown) => (typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : value);
const orItsDigits = <T extends z.ZodType>(schema: T) =>
  acceptingAlso(z.preprocess(digitsAsNumber, schema), { type: 'string', pattern: '^\\s*\\d{1,15}\\s*$', description: 'its digits' });

/*
 * A client that reads a contact, changes a field and sends the whole payload back (as Chatwoot,
 * which ignores what it does not permit, lets it) also sends the fields the service answers but
 * does not take: these. They are accepted when they say what the contact holds, and refused
 * when they differ, rather than dropped: a client that sends other labels expects them set.
 */
export const readBackFields = {
  id: orItsDigits(z.int()).describe('as answered (or its digits as text): must be the id in the path'),
  thumbnail: z.string().describe('as answered (read-only: set avatar_url)'),
  availability_status: z.enum(['online', 'offline']).describe('as answered; computed from last_seen_at, so any value is taken and nothing is set'),
  labels: z.array(z.string()).describe('as answered (read-only here: labels are set with POST /contacts/{id}/labels)'),
  last_seen_at: orItsDigits(z.int().nullable()).describe('as answered (read-only: set by the website widget)'),
  contact_inboxes: z
    .array(z.looseObject({ source_id: z.string() }), 'contact_inboxes must be the list a read answered')
    .describe('as answered; read from the inboxes when answered, so it is taken and sets nothing (link an inbox with POST /contacts/{id}/contact_inboxes)'),
  // Chatwoot's dashboard keeps GET /contacts/{id}/contactable_inboxes on the contact it holds and
  // sends it back with the contact's page's saves (it was a 422 "Unrecognized key").
  contactable_inboxes: z
    .array(z.looseObject({}), 'contactable_inboxes must be the list GET /contacts/{id}/contactable_inboxes answered')
    .describe('as GET /contacts/{id}/contactable_inboxes answered; computed from the inboxes, so it is taken and sets nothing'),
};

export type ReadBack = Partial<{ [K in keyof typeof readBackFields]: z.infer<(typeof readBackFields)[K]> }>;

const HOW_TO_CHANGE: Record<'thumbnail' | 'labels' | 'last_seen_at', string> = {
  thumbnail: 'set avatar_url instead',
  labels: 'labels are set with POST /contacts/{id}/labels',
  last_seen_at: 'the website widget sets it',
};

/** Refuses a read-back field that does not say what the contact holds; names it and how to change it. */
export function checkReadBack(given: ReadBack, pathId: number, current?: Contact): void {
  if (given.id !== undefined && given.id !== pathId) throw new ValidationError(`id ${given.id} is not the contact in the path (${pathId}); a contact's id cannot change`, 'id');
  // Most updates send none of them: the contact is presented only to compare one.
  if (!current || (given.thumbnail === undefined && given.labels === undefined && given.last_seen_at === undefined)) return;
  const held = toContactPayload(current);
  const same = {
    thumbnail: given.thumbnail === undefined || given.thumbnail === held.thumbnail,
    labels: given.labels === undefined || sameSet(given.labels, held.labels),
    last_seen_at: given.last_seen_at === undefined || given.last_seen_at === held.last_seen_at,
  };
  for (const field of ['thumbnail', 'labels', 'last_seen_at'] as const) {
    if (!same[field]) throw new ValidationError(`${field} is read-only here (${HOW_TO_CHANGE[field]}); send it as answered or leave it out`, field);
  }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.some((y) => y.toLowerCase() === x.toLowerCase()));

/** The input without the read-back fields, and those fields. */
export function splitReadBack<T extends ReadBack>(input: T): { readBack: ReadBack; rest: Omit<T, keyof ReadBack> } {
  const { id, thumbnail, availability_status, labels, last_seen_at, contact_inboxes, contactable_inboxes, ...rest } = input;
  return { readBack: { id, thumbnail, availability_status, labels, last_seen_at, contact_inboxes, contactable_inboxes }, rest };
}
