import { Router } from 'express';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { searchUnavailableResponse } from '../shared/error-handler';
import { csv, defineRoute } from '../shared/route';
import { sendCsv } from '../shared/send-csv';
import { exportBody, exportParameters, exportQuery } from './contact-export.schemas';
import type { ContactExportService } from './contact-export.service';

export function contactExportRouter(exports: ContactExportService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/export', operationId: 'exportContacts', summary: 'Export contacts as CSV (all, by labels, by filter or by segment)', tag: 'Import and export',
      access: accountAccess, query: exportQuery, body: exportBody, responses: { '200': csv('The CSV file, streamed'), '503': searchUnavailableResponse },
    },
    async ({ body, query }, req, res) => {
      const { fileName, lines } = await exports.exportCsv(callerOf(req).accountId, exportParameters(body, query));
      await sendCsv(res, fileName, lines);
    },
  );

  return router;
}
