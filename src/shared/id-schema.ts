import { z } from 'zod';

/**
 * An id in a JSON body: a positive integer, as a number or as a string of digits (Chatwoot's
 * clients send both). Never z.coerce.number: it reads true as 1, [4] as 4 and "1e1" as 10, so a
 * malformed merge or bulk delete would act on a contact nobody named.
 */
export const bodyId = (message: string) =>
  z
    .union([z.number(), z.string().regex(/^\s*\d{1,15}\s*$/)], { error: message })
    .transform(Number)
    .pipe(z.number({ error: message }).int(message).positive(message).max(Number.MAX_SAFE_INTEGER, message));
