import { z } from 'zod';

export const labelIdParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('label id must be a positive integer'),
});

const labelFields = {
  title: z.string().min(1, 'title must not be empty').max(255),
  description: z.string().max(1000).nullable(),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'color must be a hex colour such as #1f93ff'),
  show_on_sidebar: z.boolean(),
};

// Chatwoot's controller reads the fields from `label` (Rails wraps bare JSON fields in it);
// clients send either. Unwrapped only when it is the body's one key: bare fields beside it would
// otherwise be dropped unread, and are refused as unknown instead.
const unwrap = (body: unknown) =>
  typeof body === 'object' && body !== null && Object.keys(body).length === 1 && 'label' in body ? (body as { label: unknown }).label : body;

const createFields = z.strictObject(labelFields).partial().required({ title: true });
export const labelCreateSchema = z.preprocess(unwrap, createFields);
const updateFields = z.strictObject(labelFields).partial();
export const labelUpdateSchema = z.preprocess(unwrap, updateFields);
export type LabelInput = z.infer<typeof updateFields>;

// Strict, as every body that writes a resource here: an unknown key is a 422 naming it, not dropped.
export const contactLabelsSchema = z.strictObject({
  labels: z.array(z.string(), 'labels must be an array of label titles').max(100, 'a contact takes at most 100 labels'),
});
