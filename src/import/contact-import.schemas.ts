import { z } from 'zod';

export const importIdParams = z.object({
  account_id: z.string(),
  id: z.coerce.number().int().positive('import id must be a positive integer'),
});

export const importListQuery = z.object({
  page: z.coerce.number().int().min(1, 'page starts at 1').default(1),
  per_page: z.coerce.number().int().min(1).max(100, 'per_page must be at most 100').default(25),
});
