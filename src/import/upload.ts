import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../shared/errors';

const MAX_FIELDS = 20;
// multer measures a name in characters (its .length), a value in bytes.
const MAX_FIELD_NAME_LENGTH = 100;
const MAX_FIELD_VALUE_BYTES = 64 * 1024;
// What a multipart body holds besides the file: its boundaries, part headers and the few fields.
const ENVELOPE_BYTES = 1024 * 1024;

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'text/comma-separated-values']);

/**
 * Takes one CSV file from the multipart field `field` onto disk (never into memory), under
 * `maxBytes`; multer's own errors become the typed errors the error handler knows.
 */
export function uploadCsv(options: { dir: string; maxBytes: number; field: string }): RequestHandler {
  mkdirSync(options.dir, { recursive: true });
  const upload = multer({
    storage: multer.diskStorage({
      destination: options.dir,
      filename: (_req, _file, done) => done(null, `${randomUUID()}.csv`),
    }),
    limits: { fileSize: options.maxBytes, files: 1, fields: MAX_FIELDS, fieldNameSize: MAX_FIELD_NAME_LENGTH, fieldSize: MAX_FIELD_VALUE_BYTES },
    // Browsers and curl send a file's name as raw UTF-8; busboy reads it as Latin-1 unless told
    // (España.csv was listed as EspaÃ±a.csv). RFC 5987 names (filename*=UTF-8'') say their own.
    defParamCharset: 'utf8',
    fileFilter: (_req, file, done) => {
      const isCsv = path.extname(file.originalname).toLowerCase() === '.csv' || CSV_TYPES.has(file.mimetype);
      if (isCsv) return done(null, true);
      done(new UnsupportedMediaTypeError(`${options.field} must be a CSV file (.csv or text/csv); got "${file.originalname}" (${file.mimetype})`));
    },
  }).single(options.field);

  return (req, res, next) => {
    // multer reads the body as it comes: compressed, it was a 400 "Unexpected end of form".
    // An empty header names no encoding, as POST /contacts reads it.
    const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase() || 'identity';
    if (encoding !== 'identity') {
      return next(new UnsupportedMediaTypeError(`an import is not taken with Content-Encoding "${encoding}": send the multipart body uncompressed (a .csv file compresses in transit only where a proxy does it)`));
    }
    // A body declared larger than the file's limit could allow is refused before it is read.
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes + ENVELOPE_BYTES) {
      return next(new PayloadTooLargeError(`the request body (${declared} bytes) is larger than ${options.field}'s limit of ${options.maxBytes} bytes (IMPORT_MAX_BYTES)`));
    }
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new PayloadTooLargeError(`${options.field} is larger than the limit of ${options.maxBytes} bytes (IMPORT_MAX_BYTES)`));
        if (err.code === 'LIMIT_FIELD_COUNT') return next(new ValidationError(`${options.field}: the form holds more than ${MAX_FIELDS} fields besides the file, the limit`, options.field));
        if (err.code === 'LIMIT_FIELD_KEY') return next(new ValidationError(`${options.field}: a form field's name is longer than ${MAX_FIELD_NAME_LENGTH} characters, the limit`, options.field));
        // Named by the field that is too long (it named the file's field, whatever field it was).
        if (err.code === 'LIMIT_FIELD_VALUE') {
          const field = err.field ?? options.field;
          return next(new ValidationError(`${field}: the form field's value is longer than ${MAX_FIELD_VALUE_BYTES} bytes, the limit`, field));
        }
        // A file under another name (`-F file=@contacts.csv`) is named, as any other field is.
        if (err.code === 'LIMIT_UNEXPECTED_FILE' && err.field && err.field !== options.field) {
          return next(new ValidationError(`the file came in the multipart field "${err.field}"; send it in "${options.field}"`, err.field));
        }
        if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') return next(new ValidationError(`send one file, in the multipart field "${options.field}"`, options.field));
        return next(new ValidationError(`${options.field}: ${err.message}`, options.field));
      }
      // busboy's errors on a malformed body carry no system error code (ENOSPC, EACCES... do).
      const code = (err as { code?: unknown }).code;
      if (err instanceof Error && !(err instanceof AppError) && !(typeof code === 'string' && code.startsWith('E'))) {
        return next(new BadRequestError(`the multipart body could not be read: ${err.message}`));
      }
      next(err);
    });
  };
}
