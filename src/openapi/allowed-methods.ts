import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from '../shared/errors';
import type { OpenApiDocument } from './build-document';

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const isMethod = (key: string) => ORDER.includes(key.toUpperCase());

/** A path template of the document (`/contacts/{id}`) as Express matches it: any segment for a parameter, any case, a trailing slash or none. */
function patternOf(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`, 'i');
}

/**
 * The methods the API document declares for a path, as an `Allow` header lists them (HEAD with
 * GET, as Express answers it, and OPTIONS), or undefined for a path it does not declare. A path
 * two templates match takes the one with fewer parameters: `/contacts/search` is the search,
 * not a contact whose id is `search`.
 */
export function allowedMethods(document: () => OpenApiDocument): (path: string) => string[] | undefined {
  let table: { pattern: RegExp; parameters: number; methods: string[] }[] | undefined;
  return (path) => {
    table ??= Object.entries(document().paths).map(([template, operations]) => ({
      pattern: patternOf(template),
      parameters: template.split('{').length - 1,
      methods: Object.keys(operations).filter(isMethod).map((m) => m.toUpperCase()),
    }));
    const matches = table.filter((t) => t.pattern.test(path));
    if (!matches.length) return undefined;
    const fewest = Math.min(...matches.map((t) => t.parameters));
    const methods = new Set(matches.filter((t) => t.parameters === fewest).flatMap((t) => t.methods));
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return ORDER.filter((m) => methods.has(m));
  };
}

/**
 * `OPTIONS` on a path of the API: 204 with `Allow`. Express's own answer was a 200 `text/html`
 * body of the method names, which no client reads and the document does not declare. Before the
 * guards, as a CORS preflight comes without credentials (the public API answers its own, with
 * CORS headers). A path the document lacks goes on to the 404.
 */
export function answerOptions(allowed: (path: string) => string[] | undefined): RequestHandler {
  return (req, res, next) => {
    const methods = req.method === 'OPTIONS' ? allowed(req.path) : undefined;
    if (!methods) return next();
    res.setHeader('Allow', methods.join(', '));
    res.status(204).end();
  };
}

/**
 * A request no route answered, to a path the document declares under other methods: 405 with
 * `Allow` (RFC 9110 §15.5.6), not a 404 saying the path does not exist (`DELETE /contacts`
 * answered `no route for DELETE /contacts`).
 */
export function methodNotAllowed(allowed: (path: string) => string[] | undefined): RequestHandler {
  return (req, _res, next) => {
    const methods = allowed(req.path);
    if (!methods || methods.includes(req.method)) return next();
    next(new MethodNotAllowedError(`${req.method} is not allowed on ${req.path}; it takes ${methods.join(', ')}`, methods));
  };
}
