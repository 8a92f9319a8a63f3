import { Router } from 'express';
import { callerOf, requireAdministrator } from '../accounts/auth.middleware';
import { sendCsv } from '../shared/send-csv';
import { handle } from '../shared/validate';
import { exportBody } from './contact-export.schemas';
import type { ContactExportService } from './contact-export.service';

export function contactExportRouter(exports: ContactExportService): Router {
  const router = Router({ mergeParams: true });

  router.post(
    '/contacts/export',
    requireAdministrator,
    handle({ body: exportBody }, async ({ body }, req, res) => {
      const { fileName, lines } = await exports.exportCsv(callerOf(req).accountId, body);
      await sendCsv(res, fileName, lines);
    }),
  );

  return router;
}
