import { z } from 'zod';

/**
 * An id in a JSON body: a positive integer, as a number or as a string of digits (Chatwoot's
 * clients send both). Never z.coerce.number: it reads true as 1, [4] as 4 and "1e1" as 10, so a
 * malformed merge or bulk delete would act on a contact nobody named.
 */
export const bodyId = (message: string, missing = message) =>
  z
    .union([z.number(), z.string().regex(/^\s*\d{1,15}\s*$/, message)], { error: (issue) => (issue.input === undefined ? missing : message) })
    .transform(Number)
    .pipe(z.number({ error: message }).int(message).positive(message).max(Number.MAX_SAFE_INTEGER, message));

const SHOWN_CHARACTERS = 24;

/** A path value as a 404 names it: cut short, so that a megabyte in the path is not echoed. */
export const shownInPath = (raw: string) => (raw.length > SHOWN_CHARACTERS ? `${raw.slice(0, SHOWN_CHARACTERS)}…` : raw);

/**
 * An id in the request path: digits naming a positive safe integer. An id no record can have (0,
 * one past a safe integer) names nothing, as an id of no record does: handle() answers params it
 * refuses 404 ("contact 0 not found"), as Chatwoot's find does for them.
 * Ids in a body stay a 422 (bodyId): there they are input to a rule, not the resource asked for.
 */
export const pathId = (what: string) =>
  z
    .string()
    .transform((raw, ctx) => {
      const id = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isSafeInteger(id) && id > 0) return id;
      ctx.addIssue({ code: 'custom', message: `${what} ${shownInPath(raw)}` });
      return z.NEVER;
    })
    .meta({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
