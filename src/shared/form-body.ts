import busboy from 'busboy';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import express, { type Request, type RequestHandler } from 'express';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors';
import { nestFormFields, shownName, urlencodedPairs, type FormPair } from './rails-form';

/*
 * A JSON route that also takes its body as form fields: Chatwoot's dashboard sends some requests
 * as a FormData (a new conversation always, a contact with an avatar file), and Rails clients and
 * scripts post `application/x-www-form-urlencoded`; both with Rails' bracketed names
 * (`message[content]`, `custom_attributes[plan]`, `labels[]`), nested as Rails nests them
 * (rails-form.ts). A FormData turns a JavaScript undefined or null into the text "undefined" or
 * "null" (the dashboard appends `source_id` and `assignee_id` whether or not one was chosen):
 * those are taken as absent. An empty field is absent where the route says so (Rails reads an
 * empty id as none), and otherwise an empty text, as in JSON (a contact's `email=` clears it).
 * No file is read: one is a 422 naming its field.
 */
export type EmptyFields = 'absent' | 'kept';

interface FormOptions {
  maxBytes: number;
  maxFields: number;
  maxFieldBytes: number;
  emptyFields: EmptyFields;
}

const unsetTexts = (empty: EmptyFields) => new Set(empty === 'absent' ? ['undefined', 'null', ''] : ['undefined', 'null']);

function withoutUnset(value: unknown, unset: Set<string>): unknown {
  if (typeof value === 'string') return unset.has(value) ? undefined : value;
  if (Array.isArray(value)) return value.map((item) => withoutUnset(item, unset)).filter((item) => item !== undefined);
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

// What decoding left where a part's bytes were not its charset's (U+FFFD), or what a windows-1252
// part read as Latin-1 makes of its quotes and euro sign (C1 controls): never text a person typed.
const UNREADABLE = /[\uFFFD\u0080-\u009F]/;

/**
 * The fields of a multipart body, in order; a part without a name is skipped, as Rack skips it.
 * Busboy decodes each value by its part's charset (UTF-8 by default); a value it could not decode,
 * or that came out UNREADABLE, is refused rather than stored garbled. The body, once its
 * Content-Encoding is undone, is bounded by `maxBytes` as a JSON body is (a 413).
 */
function multipartPairs(req: Request, options: FormOptions): Promise<FormPair[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    let source: NodeJS.ReadableStream;
    const { headers } = req;
    try {
      source = decoded(req);
      // One byte over the field limit, so that a value of exactly the limit is not taken for a cut one.
      parser = busboy({ headers, defCharset: 'utf8', defParamCharset: 'utf8', limits: { fields: options.maxFields, fieldSize: options.maxFieldBytes + 1, fileSize: 1 } });
    } catch (err) {
      return reject(err instanceof UnsupportedMediaTypeError ? err : new BadRequestError(`the multipart body could not be read: ${(err as Error).message}`));
    }
    const pairs: FormPair[] = [];
    let failure: Error | undefined;
    // The rest of the body is still read (and dropped), so that the answer reaches the client.
    const fail = (err: Error) => (failure ??= err);
    parser.on('field', (name: string | undefined, value: string | undefined, info: busboy.FieldInfo) => {
      if (failure || !name) return;
      if (typeof value !== 'string' || UNREADABLE.test(name) || UNREADABLE.test(value)) {
        fail(new BadRequestError(`form field ${shownName(name)} is not valid UTF-8 (a part may name only UTF-8 as its charset)`));
      } else if (info.valueTruncated || Buffer.byteLength(value) > options.maxFieldBytes) {
        fail(new ValidationError(`form field ${shownName(name)} is longer than ${options.maxFieldBytes} bytes, the limit of a field`, name));
      } else pairs.push([name, value]);
    });
    parser.on('file', (name: string | undefined, stream: NodeJS.ReadableStream) => {
      stream.resume();
      fail(new ValidationError(`files are not taken here (${name ?? 'a file'}): send the fields only`, name));
    });
    parser.on('fieldsLimit', () => fail(new ValidationError(`the form has more than ${options.maxFields} fields, the limit of a form`)));
    parser.on('error', (err: Error) => reject(new BadRequestError(`the multipart body could not be read: ${err.message}`)));
    parser.on('close', () => (failure ? reject(failure) : resolve(pairs)));
    let read = 0;
    source.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read <= options.maxBytes) return;
      source.unpipe(parser);
      // A decompression stops here (a small gzip may inflate without end); the request itself is left to finish.
      if (source !== req) (source as Transform).destroy();
      reject(new PayloadTooLargeError(`request body is larger than ${options.maxBytes / (1024 * 1024)} MB, the limit of a body`));
    });
    source.on('error', (err: Error) => reject(new BadRequestError(`the multipart body could not be read: ${err.message}`)));
    source.pipe(parser);
  });
}

/**
 * A JSON text sent as a urlencoded form (curl -d, without -H content-type) is one field named
 * after the whole text: it was a 422 "Unrecognized key: {"name":"x"}". No form field name begins
 * with a brace or a bracket.
 */
const looksLikeJson = (body: Buffer) => /^\s*[{[]/.test(body.subarray(0, 64).toString('latin1'));

/** The body as sent, undone of its Content-Encoding: the encodings express.json and express.raw undo. */
function decoded(req: Request): NodeJS.ReadableStream {
  const encoding = (req.headers['content-encoding'] || 'identity').toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding === 'gzip') return req.pipe(zlib.createGunzip());
  if (encoding === 'deflate') return req.pipe(zlib.createInflate());
  throw new UnsupportedMediaTypeError(`unsupported content encoding "${encoding}"`);
}

/**
 * Parses a form body into req.body (other bodies pass untouched). A form is held in memory, as a
 * JSON body is: one declared larger than `maxBytes` is a 413 before it is read, and the limits on
 * fields and their size bound one that declares no length. Forms are read as UTF-8, as Rails reads them.
 */
export function formFields(options: FormOptions): RequestHandler {
  const raw = express.raw({ type: () => true, limit: options.maxBytes });
  const unset = unsetTexts(options.emptyFields);
  return (req, res, next) => {
    const type = req.headers['content-type'];
    if (!isForm(type)) return next();
    if (Number(req.headers['content-length'] ?? 0) > options.maxBytes) {
      return next(new PayloadTooLargeError(`request body is larger than ${options.maxBytes / (1024 * 1024)} MB, the limit of a body`));
    }
    // Read as UTF-8 whatever charset is named, as Rails reads a form: an ASCII form sent with
    // charset=ISO-8859-1 (Apache HttpClient's default) is the same text; bytes that are not UTF-8 are a 400.
    let read: Promise<FormPair[]>;
    try {
      read = isMultipartForm(type)
        ? multipartPairs(req, options)
        : new Promise((resolve, reject) =>
            raw(req, res, (err?: unknown) => {
              if (err) return reject(err);
              try {
                const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
                if (looksLikeJson(body)) {
                  throw new UnsupportedMediaTypeError(`the request body is JSON sent as ${type} (curl -d sends that type): send it with content-type: application/json`);
                }
                resolve(urlencodedPairs(body, options.maxFields, options.maxFieldBytes));
              } catch (failure) {
                reject(failure);
              }
            }),
          );
    } catch (err) {
      return next(err);
    }
    read
      .then((pairs) => {
        req.body = withoutUnset(nestFormFields(pairs), unset);
        next();
      })
      .catch(next);
  };
}
