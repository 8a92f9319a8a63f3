import express, { type RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, PayloadTooLargeError, ValidationError } from './errors';

/*
 * A JSON route that also takes its body as form fields: Chatwoot's dashboard sends some requests
 * as a FormData (a new conversation always, a contact with an avatar file), and Rails clients and
 * scripts post `application/x-www-form-urlencoded`; both with Rails' bracketed names
 * (`message[content]`, `custom_attributes[plan]`, `labels[]`), which multer and qs nest as objects
 * and arrays. A FormData turns a JavaScript undefined or null into the text "undefined" or "null"
 * (the dashboard appends `source_id` and `assignee_id` whether or not one was chosen): those are
 * taken as absent. An empty field is absent where the route says so (Rails reads an empty id as
 * none), and otherwise an empty text, as in JSON (a contact's `email=` clears it). No file is read.
 */
export type EmptyFields = 'absent' | 'kept';

const unsetTexts = (empty: EmptyFields) => new Set(empty === 'absent' ? ['undefined', 'null', ''] : ['undefined', 'null']);

function withoutUnset(value: unknown, unset: Set<string>): unknown {
  if (typeof value === 'string') return unset.has(value) ? undefined : value;
  if (Array.isArray(value)) return value.map((item) => withoutUnset(item, unset));
  if (typeof value !== 'object' || value === null) return value;
  const kept = Object.entries(value).flatMap(([key, field]) => {
    const read = withoutUnset(field, unset);
    return read === undefined ? [] : [[key, read] as const];
  });
  return Object.fromEntries(kept);
}

export const isMultipartForm = (contentType: string | undefined) => /^multipart\/form-data\b/i.test(contentType ?? '');
const isUrlencodedForm = (contentType: string | undefined) => /^application\/x-www-form-urlencoded\b/i.test(contentType ?? '');
export const isForm = (contentType: string | undefined) => isMultipartForm(contentType) || isUrlencodedForm(contentType);

/**
 * Parses a form body into req.body (other bodies pass untouched). A form is held in memory, as a
 * JSON body is: one declared larger than `maxBytes` is a 413 before it is read, and the limits on
 * fields and their size bound one that declares no length.
 */
export function formFields(options: { maxBytes: number; maxFields: number; maxFieldBytes: number; emptyFields: EmptyFields }): RequestHandler {
  // none() refuses the first file by its field's name, before reading it.
  const multipart = multer({ limits: { fields: options.maxFields, fieldSize: options.maxFieldBytes } }).none();
  // qs nests the bracketed names; its depth and array limits keep a hostile form from growing deep or wide.
  const urlencoded = express.urlencoded({ extended: true, limit: options.maxBytes, parameterLimit: options.maxFields });
  const unset = unsetTexts(options.emptyFields);
  return (req, res, next) => {
    const type = req.headers['content-type'];
    if (!isForm(type)) return next();
    if (Number(req.headers['content-length'] ?? 0) > options.maxBytes) {
      return next(new PayloadTooLargeError(`request body is larger than ${options.maxBytes / (1024 * 1024)} MB, the limit of a body`));
    }
    const parse = isMultipartForm(type) ? multipart : urlencoded;
    parse(req, res, (err: unknown) => {
      if (!err) {
        req.body = withoutUnset({ ...req.body }, unset);
        return next();
      }
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') {
          return next(new ValidationError(`files are not taken here (${err.field ?? 'a file'}): send the fields only`, err.field));
        }
        return next(new ValidationError(`the form could not be read: ${err.message}${err.field ? ` (${err.field})` : ''}`, err.field));
      }
      const typed = err as { type?: string };
      if (typed.type === 'parameters.too.many') return next(new ValidationError(`the form has more than ${options.maxFields} fields, the limit of a form`));
      if (err instanceof Error && !(err instanceof AppError) && typed.type === undefined) return next(new BadRequestError(`the multipart body could not be read: ${err.message}`));
      next(err);
    });
  };
}
