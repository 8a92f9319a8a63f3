import { unlink } from 'node:fs/promises';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { conflictResponse, errorBodySchema } from '../shared/error-handler';
import { ValidationError } from '../shared/errors';
import { payloadOf } from '../shared/response-fields';
import { csv, defineRoute, json } from '../shared/route';
import { describeIssues } from '../shared/validate';
import { sendCsv } from '../shared/send-csv';
import { importPayloadSchema } from './contact-import.presenter';
import { importIdParams, importListQuery, importUploadFields, importUploadQuery } from './contact-import.schemas';
import type { ContactImportService } from './contact-import.service';
import { uploadCsv } from './upload';

const tag = 'Import and export';

const queryBeforeUpload: RequestHandler = (req, _res, next) => {
  const parsed = importUploadQuery.safeParse(req.query);
  next(parsed.success ? undefined : new ValidationError(parsed.error.issues[0].message, 'create_labels'));
};

export function contactImportRouter(imports: ContactImportService, options: { uploadDir: string; maxBytes: number }): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/import', operationId: 'importContacts', summary: 'Upload a CSV file of contacts to import', tag, access: accountAccess,
      // The query is checked before the upload too: refused after it, it would leave the file on disk.
      before: [queryBeforeUpload, uploadCsv({ dir: options.uploadDir, maxBytes: options.maxBytes, field: 'import_file' })],
      query: importUploadQuery,
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                import_file: { type: 'string', contentMediaType: 'text/csv', description: 'the CSV file' },
                create_labels: {
                  type: 'string',
                  enum: ['true', 'false', '1', '0'],
                  default: 'false',
                  description: 'create the labels the file names that the account lacks; by default a row naming one is rejected (the values are also taken in any case, TRUE as Rails reads it)',
                },
              },
              required: ['import_file'],
            },
            encoding: { import_file: { contentType: 'text/csv' } },
          },
        },
      },
      responses: {
        '200': json('The import, queued; poll GET /contacts/imports/{id}', payloadOf(importPayloadSchema)),
        '413': json('The file is over IMPORT_MAX_BYTES', errorBodySchema),
        '415': json('The upload is not a text CSV file', errorBodySchema),
      },
    },
    async ({ query }, req, res) => {
      // Checked here rather than by the route's body schema: the file is on disk by now, and a
      // refused upload must not leave it there.
      const fields = importUploadFields.safeParse(req.body ?? {});
      if (!fields.success) {
        if (req.file) await unlink(req.file.path).catch(() => undefined);
        const { message, field } = describeIssues(fields.error);
        throw new ValidationError(message, field);
      }
      // Given in both places, the two must agree: the query string's true used to win over the form's false.
      const inBoth = req.body?.create_labels !== undefined && req.query.create_labels !== undefined;
      if (inBoth && fields.data.create_labels !== query.create_labels) {
        if (req.file) await unlink(req.file.path).catch(() => undefined);
        throw new ValidationError('create_labels is given twice, in the query string and in the form, with different values; send one', 'create_labels');
      }
      const started = await imports.start(callerOf(req).accountId, req.file, { createLabels: fields.data.create_labels || query.create_labels });
      res.status(200).json({ payload: started });
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/imports', operationId: 'listImports', summary: "The account's imports, newest first", tag, access: accountAccess,
      query: importListQuery,
      responses: { '200': json('A page of imports', z.object({ meta: z.object({ count: z.int(), current_page: z.int() }), payload: z.array(importPayloadSchema) })) },
    },
    async ({ query }, req, res) => {
      const { count, imports: found } = await imports.list(callerOf(req).accountId, query.page, query.per_page);
      res.json({ meta: { count, current_page: query.page }, payload: found });
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/imports/:id(\\d+)', operationId: 'showImport', summary: "An import's progress and counts", tag, access: accountAccess,
      params: importIdParams, responses: { '200': json('The import', payloadOf(importPayloadSchema)) },
    },
    async ({ params }, req, res) => {
      res.json({ payload: await imports.show(callerOf(req).accountId, params.id) });
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/imports/:id(\\d+)/rejected', operationId: 'importRejectedRows', summary: "An import's rejected rows as CSV, each with its reason", tag,
      access: accountAccess, params: importIdParams, responses: { '200': csv('The rejected rows, streamed'), '409': conflictResponse },
    },
    async ({ params }, req, res) => {
      const { fileName, lines } = await imports.rejectedCsv(callerOf(req).accountId, params.id);
      await sendCsv(res, fileName, lines);
    },
  );

  return router;
}
