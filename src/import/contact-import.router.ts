import { Router } from 'express';
import { callerOf, requireAdministrator } from '../accounts/auth.middleware';
import { sendCsv } from '../shared/send-csv';
import { handle } from '../shared/validate';
import { importIdParams, importListQuery } from './contact-import.schemas';
import type { ContactImportService } from './contact-import.service';
import { uploadCsv } from './upload';

export function contactImportRouter(imports: ContactImportService, options: { uploadDir: string; maxBytes: number }): Router {
  const router = Router({ mergeParams: true });

  router.post(
    '/contacts/import',
    requireAdministrator,
    uploadCsv({ dir: options.uploadDir, maxBytes: options.maxBytes, field: 'import_file' }),
    handle({}, async (_input, req, res) => {
      const started = await imports.start(callerOf(req).accountId, req.file);
      res.status(200).json({ payload: started });
    }),
  );

  router.get(
    '/contacts/imports',
    handle({ query: importListQuery }, async ({ query }, req, res) => {
      const { count, imports: found } = await imports.list(callerOf(req).accountId, query.page, query.per_page);
      res.json({ meta: { count, current_page: query.page }, payload: found });
    }),
  );

  router.get(
    '/contacts/imports/:id(\\d+)',
    handle({ params: importIdParams }, async ({ params }, req, res) => {
      res.json({ payload: await imports.show(callerOf(req).accountId, params.id) });
    }),
  );

  router.get(
    '/contacts/imports/:id(\\d+)/rejected',
    handle({ params: importIdParams }, async ({ params }, req, res) => {
      const { fileName, lines } = await imports.rejectedCsv(callerOf(req).accountId, params.id);
      await sendCsv(res, fileName, lines);
    }),
  );

  return router;
}
