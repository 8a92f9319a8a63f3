import { z } from 'zod';
import type { Label } from './label.model';

export const labelPayloadSchema = z
  .object({
    id: z.int(),
    title: z.string(),
    description: z.string().nullable(),
    color: z.string(),
    show_on_sidebar: z.boolean(),
  })
  .meta({ id: 'Label' });

export type LabelPayload = z.infer<typeof labelPayloadSchema>;

export function toLabelPayload(label: Label): LabelPayload {
  return {
    id: label._id,
    title: label.title,
    description: label.description,
    color: label.color,
    show_on_sidebar: label.show_on_sidebar,
  };
}
