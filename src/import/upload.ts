import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../shared/errors';

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
    limits: { fileSize: options.maxBytes, files: 1, fields: 20 },
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
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new PayloadTooLargeError(`${options.field} is larger than the limit of ${options.maxBytes} bytes`));
        if (err.code === 'LIMIT_UNEXPECTED_FILE') return next(new ValidationError(`send one file, in the multipart field "${options.field}"`, options.field));
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
