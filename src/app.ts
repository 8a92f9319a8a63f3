import express, { Router, type Express, type RequestHandler } from 'express';
import { z } from 'zod';
import { agentsRouter } from './accounts/agents.router';
import { requireAccountUser } from './accounts/auth.middleware';
import { authRouter, profileRouter } from './accounts/profile.router';
import { captureRouter } from './capture/capture.router';
import { contactMergeRouter } from './contacts/contact-merge.router';
import { contactsRouter } from './contacts/contacts.router';
import { contactInboxesOption } from './contacts/contact-inboxes-option';
import { contactExportRouter } from './export/contact-export.router';
import { contactImportRouter } from './import/contact-import.router';
import type { Dependencies } from './dependencies';
import { labelsRouter } from './labels/labels.router';
import { customAttributesRouter } from './custom-attributes/custom-attributes.router';
import { segmentsRouter } from './segments/segments.router';
import { consoleAssetsRouter } from './console-assets';
import { bulkActionsRouter } from './bulk-actions/bulk-actions.router';
import { contactInboxOfContactSchema, contactInboxPayloadSchema } from './inboxes/contact-inbox.presenter';
import { inboxesRouter } from './inboxes/inboxes.router';
import { messagingRouter } from './messaging/messaging.router';
import { notesRouter } from './notes/notes.router';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/build-document';
import { openApiRouter } from './openapi/openapi.router';
import { allowedMethods, answerOptions, methodNotAllowed } from './openapi/allowed-methods';
import { errorBodySchema, errorHandler, notFoundHandler } from './shared/error-handler';
import { requireBearerToken } from './shared/bearer-token';
import { JSON_BODY_LIMIT_BYTES, jsonCharsetAsUtf8, unstorableJson, verifyJsonBody } from './shared/json-body';
import type { Metrics } from './shared/metrics';
import { rateLimitedResponses } from './shared/rate-limit';
import { readableQueryString } from './shared/query-string';
import { railsPath } from './shared/rails-path';
import { createRequestLogger } from './shared/request-logger';
import { publicApiCors, securityHeaders } from './shared/security-headers';
import { defineRoute, json, malformedIdRoutes, openAccess, type Mount } from './shared/route';

type AppDeps = Pick<Dependencies, 'config' | 'logger' | 'metrics' | 'services' | 'rateLimits'>;
type RateLimits = Dependencies['rateLimits'];

/** Looked up when a request comes: building the routes (and the API document) needs no Redis. */
const limitedBy =
  (rateLimits: RateLimits, name: keyof RateLimits): RequestHandler =>
  (req, res, next) =>
    rateLimits[name](req, res, next);

function serviceRouter(metrics: Metrics, metricsToken: string | undefined): Router {
  const router = Router();
  const tag = 'Service';
  defineRoute(
    router,
    { method: 'get', path: '/health', operationId: 'health', summary: 'Liveness', tag, access: openAccess, responses: { '200': json('The process answers', z.object({ status: z.literal('ok') })) } },
    (_input, _req, res) => {
      res.json({ status: 'ok' });
    },
  );
  defineRoute(
    router,
    {
      method: 'get', path: '/metrics', operationId: 'metrics', summary: 'Prometheus metrics', tag,
      access: metricsToken ? { level: 'metrics', guards: [requireBearerToken(metricsToken)] } : openAccess,
      responses: {
        '200': { description: 'Prometheus text exposition format', schema: z.string(), mediaType: 'text/plain' },
        // Declared even where no token is set: a deployment that sets one answers it.
        '401': json('METRICS_TOKEN is set and the request lacks `Authorization: Bearer` with it', errorBodySchema),
      },
    },
    async (_input, _req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.exposition());
    },
  );
  return router;
}

/**
 * Every router of the API and where it is mounted. buildApp registers these, and the OpenAPI
 * document is collected from the routes they declare, so the two cannot disagree. Routers only
 * keep their services for their handlers: the document needs none of them called.
 */
export function apiMounts(deps: Pick<AppDeps, 'config' | 'metrics' | 'services' | 'rateLimits'>, document: () => OpenApiDocument): Mount[] {
  const { config, metrics, services, rateLimits } = deps;
  // Chatwoot's contact_inboxes on the contacts answered (include_contact_inboxes): the inboxes feature's records.
  const contactInboxes = contactInboxesOption((accountId, contactIds) => services.inboxes.contactInboxesOfContacts(accountId, contactIds), contactInboxOfContactSchema, contactInboxPayloadSchema);
  return [
    { path: '', routers: [serviceRouter(metrics, config.METRICS_TOKEN), openApiRouter(document)] },
    { path: '/auth', routers: [authRouter(services.profile, services.accounts, limitedBy(rateLimits, 'signIn'))] },
    { path: '/api/v1', routers: [profileRouter(services.profile, services.accounts, limitedBy(rateLimits, 'passwordCheck'))] },
    {
      path: '/api/v1/accounts/:account_id',
      guards: [requireAccountUser(services.accounts)],
      routers: [
        agentsRouter(services.accounts),
        contactsRouter(services.contacts, { maxPerPage: config.MAX_PER_PAGE, contactInboxes }),
        labelsRouter(services.labels),
        customAttributesRouter(services.customAttributes),
        segmentsRouter(services.segments, { maxPerPage: config.MAX_PER_PAGE, contactInboxes }),
        bulkActionsRouter(services.bulkActions),
        notesRouter(services.notes),
        inboxesRouter(services.inboxes),
        contactMergeRouter(services.mergeContacts),
        messagingRouter(services.messaging),
        contactExportRouter(services.exports),
        contactImportRouter(services.imports, { uploadDir: config.UPLOAD_DIR, maxBytes: config.IMPORT_MAX_BYTES }),
      ],
    },
    // The website widget's public API: no api_access_token, so outside the account routers.
    {
      path: '/public/api/v1/inboxes/:inbox_identifier',
      guards: [limitedBy(rateLimits, 'public')],
      responses: rateLimitedResponses,
      routers: [captureRouter(services.capture)],
    },
  ];
}

/** The latency series' route: as declared, under its mount (see buildApp). */
function routeLabel(route: string | undefined, mountPath: string | undefined): string {
  if (route !== undefined) return `${mountPath ?? ''}${route}`;
  return mountPath ? `${mountPath}/*` : 'unmatched';
}

/** The HTTP app, without listening: main-api.ts serves it, tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const { logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  // The client's IP (rate limits) comes from X-Forwarded-For only as far as this trusts proxies.
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.set('query parser', 'extended');
  // No ETag of express's own (a weak hash of each body): it made every GET answer a 304 that the
  // API document does not declare, and a tag no write could compare. Contacts, their labels and
  // notes answer their own, of their versions.
  app.set('etag', false);

  // First, so that every later line of the request, and its error response, carries its id.
  app.use(createRequestLogger(logger));
  app.use(securityHeaders);
  app.use('/public/api', publicApiCors);
  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    // The route as declared, under its mount: the account's POST /contacts and the widget's were one
    // series. An answer given before any route of a mount matched (its guard's 401, a 404 under it) is
    // the mount's `/*`; outside every mount, `unmatched`.
    res.on('finish', () => end({ route: routeLabel(req.route?.path, res.locals.mountPath), status: String(res.statusCode) }));
    next();
  });
  app.use(readableQueryString);
  app.use(railsPath);
  app.use(jsonCharsetAsUtf8);
  app.use(express.json({ limit: JSON_BODY_LIMIT_BYTES, verify: verifyJsonBody }));
  app.use((req, res, next) => next(unstorableJson(req.body, res.locals.lossyNumbers)));

  const mounts = apiMounts(deps, () => document);
  const document = buildOpenApiDocument(mounts);
  const allowed = allowedMethods(() => document);
  app.use(answerOptions(allowed));
  for (const { path, guards = [], routers } of mounts) {
    const mounted = Router({ mergeParams: true });
    const markMount: RequestHandler = (_req, res, next) => {
      res.locals.mountPath = path;
      next();
    };
    mounted.use(markMount, ...guards, ...routers, malformedIdRoutes(routers));
    if (path) app.use(path, mounted);
    else app.use(mounted);
  }

  app.use(consoleAssetsRouter(deps.config.CONSOLE_DIR));
  app.use(methodNotAllowed(allowed));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
