import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, PayloadTooLargeError, ValidationError } from './errors';

/*
 * A JSON route that also takes its body as multipart/form-data fields: Chatwoot's dashboard sends
 * some requests as a FormData (a new conversation always), with Rails' bracketed names
 * (`message[content]`, `additional_attributes[mail_subject]`), which multer nests as objects. A
 * FormData turns a JavaScript undefined or null into the text "undefined" or "null" (the dashboard
 * appends `source_id` and `assignee_id` whether or not one was chosen), and Rails reads an empty
 * field as absent for an id: those three are taken as absent. No file is read.
 */
const UNSET = new Set(['undefined', 'null', '']);

function withoutUnset(value: unknown): unknown {
  if (typeof value === 'string') return UNSET.has(value) ? undefined : value;
  if (Array.isArray(value)) return value.map(withoutUnset);
  if (typeof value !== 'object' || value === null) return value;
  const kept = Object.entries(value).flatMap(([key, field]) => {
    const read = withoutUnset(field);
    return read === undefined ? [] : [[key, read] as const];
  });
  return Object.fromEntries(kept);
}

export const isForm = (contentType: string | undefined) => /^multipart\/form-data\b/i.test(contentType ?? '');

/**
 * Parses a form body into req.body (other bodies pass untouched). A form is held in memory, as a
 * JSON body is: one declared larger than `maxBytes` is a 413 before it is read, and the limits on
 * fields and their size bound one that declares no length.
 */
export function formFields(options: { maxBytes: number; maxFields: number; maxFieldBytes: number }): RequestHandler {
  const parse = multer({ limits: { files: 0, fields: options.maxFields, fieldSize: options.maxFieldBytes } }).none();
  return (req, res, next) => {
    if (!isForm(req.headers['content-type'])) return next();
    if (Number(req.headers['content-length'] ?? 0) > options.maxBytes) {
      return next(new PayloadTooLargeError(`request body is larger than ${options.maxBytes / (1024 * 1024)} MB, the limit of a body`));
    }
    parse(req, res, (err: unknown) => {
      if (!err) {
        req.body = withoutUnset({ ...req.body });
        return next();
      }
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') {
          return next(new ValidationError(`files are not taken here (${err.field ?? 'a file'}): send the fields only`, err.field));
        }
        return next(new ValidationError(`the form could not be read: ${err.message}${err.field ? ` (${err.field})` : ''}`, err.field));
      }
      if (err instanceof Error && !(err instanceof AppError)) return next(new BadRequestError(`the multipart body could not be read: ${err.message}`));
      next(err);
    });
  };
}
