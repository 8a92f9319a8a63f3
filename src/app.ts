import express, { Router, type Express } from 'express';
import { requireAccountUser } from './accounts/auth.middleware';
import { captureRouter } from './capture/capture.router';
import { contactMergeRouter } from './contacts/contact-merge.router';
import { contactsRouter } from './contacts/contacts.router';
import { contactExportRouter } from './export/contact-export.router';
import { contactImportRouter } from './import/contact-import.router';
import type { Dependencies } from './dependencies';
import { labelsRouter } from './labels/labels.router';
import { customAttributesRouter } from './custom-attributes/custom-attributes.router';
import { segmentsRouter } from './segments/segments.router';
import { bulkActionsRouter } from './bulk-actions/bulk-actions.router';
import { inboxesRouter } from './inboxes/inboxes.router';
import { messagingRouter } from './messaging/messaging.router';
import { notesRouter } from './notes/notes.router';
import { openApiRouter } from './openapi/openapi.router';
import { errorHandler, notFoundHandler } from './shared/error-handler';

type AppDeps = Pick<Dependencies, 'config' | 'logger' | 'metrics' | 'services'>;

/** The HTTP app, without listening: main-api.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const { config, logger, metrics, services } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');

  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  app.use(express.json({ limit: '1mb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(openApiRouter());

  const account = Router({ mergeParams: true });
  account.use(requireAccountUser(services.accounts));
  account.use(contactsRouter(services.contacts, { maxPerPage: config.MAX_PER_PAGE }));
  account.use(labelsRouter(services.labels));
  account.use(customAttributesRouter(services.customAttributes));
  account.use(segmentsRouter(services.segments, { maxPerPage: config.MAX_PER_PAGE }));
  account.use(bulkActionsRouter(services.bulkActions));
  account.use(notesRouter(services.notes));
  account.use(inboxesRouter(services.inboxes));
  account.use(contactMergeRouter(services.mergeContacts));
  account.use(messagingRouter(services.messaging));
  account.use(contactExportRouter(services.exports));
  account.use(contactImportRouter(services.imports, { uploadDir: config.UPLOAD_DIR, maxBytes: config.IMPORT_MAX_BYTES }));
  app.use('/api/v1/accounts/:account_id', account);

  // The website widget's public API: no api_access_token, so outside the account router.
  app.use('/public/api/v1/inboxes/:inbox_identifier', captureRouter(services.capture));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
