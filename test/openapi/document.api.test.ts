import { createConfig, lintFromString } from '@redocly/openapi-core';
import express, { Router } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { documentChecked, startTestContext, type TestContext } from '../support/context';
import { document, documentedOperations, registeredOperations, toTemplate, validatorFor } from './document-support';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await startTestContext({ worker: false });
});
afterAll(() => ctx.close());

type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};
type OpenApiDocumentLike = { paths: Record<string, Record<string, { parameters?: unknown[]; responses: Record<string, { description?: string }> }>> };
const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as unknown as Operation })));

describe('the routes the app registers and the operations the document declares', () => {
  it('when the express router is walked, then every registered route is documented and every documented operation is registered', () => {
    const registered = registeredOperations(ctx.app);
    const documented = documentedOperations();
    // Sanity: the walk reached the nested account and public routers.
    expect(registered).toContain('GET /api/v1/accounts/{account_id}/contacts/{id}');
    expect(registered).toContain('POST /public/api/v1/inboxes/{inbox_identifier}/contacts/{source_id}/email_collect');
    expect(registered.filter((op) => !documented.includes(op))).toEqual([]);
    expect(documented.filter((op) => !registered.includes(op))).toEqual([]);
    expect(registered.length).toBe(documented.length);
  });

  it('when a route is added to the app without documentation, then the walk finds it and the comparison would fail', () => {
    const app = buildApp(ctx.deps);
    const extra = Router({ mergeParams: true });
    extra.delete('/widgets/:widget_id(\\d+)', (_req, res) => {
      res.json({});
    });
    app.use('/api/v1/accounts/:account_id', extra);
    const registered = registeredOperations(app);
    expect(registered).toContain('DELETE /api/v1/accounts/{account_id}/widgets/{widget_id}');
    expect(registered.filter((op) => !documentedOperations().includes(op))).toEqual(['DELETE /api/v1/accounts/{account_id}/widgets/{widget_id}']);
  });

  it("when an express path has a parameter pattern, then it is normalised to the document's template", () => {
    expect(toTemplate('/api/v1/accounts/:account_id/contacts/:id(\\d+)/notes/:note_id(\\d+)')).toBe('/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}');
  });
});

describe('the document itself', () => {
  it('when it is built, then it is OpenAPI 3.1 with the api_access_token header scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.api_access_token).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'api_access_token' }));
  });

  it('when an operation is under the account API or the profile, or signs out, then it needs api_access_token; sign-in, public and service routes need nothing', () => {
    const needsToken = (path: string) => path.startsWith('/api/v1/accounts/') || path.startsWith('/api/v1/profile') || path === '/auth/sign_out';
    for (const { path, op } of operations()) {
      if (needsToken(path)) expect({ path, security: op.security }).toEqual({ path, security: [{ api_access_token: [] }] });
      else expect({ path, security: op.security }).toEqual({ path, security: [] });
    }
    expect(operations().filter(({ path }) => path.startsWith('/api/v1/profile')).length).toBeGreaterThan(0);
  });

  it('when a route is rate limited (sign-in, the public website API, a profile change that checks current_password), then it declares 429 with Retry-After; account routes do not', () => {
    const limited = operations().filter(({ op }) => op.responses['429']);
    const paths = new Set(limited.map(({ path }) => path));
    expect(paths).toContain('/auth/sign_in');
    expect(paths).toContain('/public/api/v1/inboxes/{inbox_identifier}/contacts/{source_id}/conversations/{conversation_id}/messages');
    expect([...paths].every((path) => path.startsWith('/auth/') || path.startsWith('/public/') || path === '/api/v1/profile')).toBe(true);
    expect(limited.filter(({ path }) => path === '/api/v1/profile').map(({ method }) => method).sort()).toEqual(['patch', 'put']);
    expect(operations().filter(({ path }) => path.startsWith('/public/')).every(({ op }) => op.responses['429'])).toBe(true);
    const sample = (document.paths['/auth/sign_in'].post as unknown as { responses: Record<string, { headers?: Record<string, unknown> }> }).responses['429'];
    expect(sample.headers).toHaveProperty('Retry-After');
  });

  it('when a path has a template parameter, then the operation declares it as a required path parameter, and no other', () => {
    for (const { path, method, op } of operations()) {
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect({ path, method, names: declared.map((p) => p.name).sort() }).toEqual({ path, method, names: inTemplate });
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it('when an operation writes contacts, labels, custom attribute definitions or members (conditional writes that give up after their retries), then it declares 409', () => {
    const conflicting = [
      'createContact', 'patchContact', 'putContact', 'deleteContact', 'deleteContactAvatar', 'destroyContactCustomAttributes', 'mergeContacts', 'setContactLabels',
      'createBulkAction', 'startConversation',
      'createLabel', 'updateLabel', 'putLabel', 'deleteLabel',
      'createCustomAttributeDefinition', 'patchCustomAttributeDefinition', 'putCustomAttributeDefinition', 'deleteCustomAttributeDefinition',
      'createAgent', 'patchAgent', 'putAgent', 'deleteAgent',
      'createVisitor', 'patchVisitor', 'putVisitor', 'startVisitorConversation', 'collectVisitorEmail',
    ];
    const byId = new Map(operations().map(({ op }) => [op.operationId, op]));
    for (const operationId of conflicting) {
      expect({ operationId, exists: byId.has(operationId) }).toEqual({ operationId, exists: true });
      expect({ operationId, declares409: Boolean(byId.get(operationId)!.responses['409']) }).toEqual({ operationId, declares409: true });
    }
  });

  it("when it is checked by Redocly's OpenAPI 3.1 rules (structure, references, path parameters, security), then it has no problem", async () => {
    const rules = ['struct', 'no-unresolved-refs', 'path-parameters-defined', 'operation-operationId-unique', 'operation-parameters-unique', 'security-defined', 'no-identical-paths', 'no-path-trailing-slash', 'no-enum-type-mismatch', 'no-required-schema-properties-undefined', 'operation-2xx-response'];
    const config = await createConfig({ rules: Object.fromEntries(rules.map((rule) => [rule, 'error'])) });
    const lint = async (doc: unknown) => (await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config })).map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(await lint(document)).toEqual([]);
    // The check does look: a parameter without `in` and a response without a description are found.
    const broken = JSON.parse(JSON.stringify(document)) as OpenApiDocumentLike;
    broken.paths['/health'].get.parameters = [{ name: 'x' }];
    delete broken.paths['/health'].get.responses['200'].description;
    expect(await lint(broken)).toEqual(expect.arrayContaining([expect.stringMatching(/^struct: .*`in`/), expect.stringMatching(/^struct: .*`description`/)]));
  });

  it('when an operation reaches a dependency (every one but the service routes), then it declares 503 with Retry-After, which the error handler sends with every 503', () => {
    for (const { path, method, op } of operations()) {
      const unavailable = op.responses['503'] as { headers?: Record<string, unknown> } | undefined;
      const expected = !['/health', '/metrics', '/api/openapi.json'].includes(path);
      expect({ path, method, declares503WithRetryAfter: Boolean(unavailable?.headers?.['Retry-After']) }).toEqual({ path, method, declares503WithRetryAfter: expected });
    }
  });

  // The fuzzing run (schemathesis, Python's re) stopped with a schema error on \p{Cc}: a pattern
  // in the document is read by tools that know only the common regex syntax.
  it('when the document gives a pattern, then it uses no Unicode property escapes (\\p{…}), which Python and other readers of the document do not know', () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') patterns.push(value);
        else walk(value);
      }
    };
    walk(document);
    expect(patterns.length).toBeGreaterThan(5);
    expect(patterns.filter((pattern) => /\\[pP]\{/.test(pattern))).toEqual([]);
  });

  it('when operationIds are listed, then each is unique', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when every request and response schema is compiled (ajv, draft 2020-12, strict), then all compile and every $ref resolves', () => {
    let count = 0;
    for (const { op } of operations()) {
      const media = [...Object.values(op.responses), ...(op.requestBody ? [op.requestBody] : [])].flatMap((r) => Object.values(r.content ?? {}));
      for (const { schema } of media) {
        expect(typeof validatorFor(schema)).toBe('function');
        count += 1;
      }
    }
    expect(count).toBeGreaterThan(100);
  });

  it('when inputs come from zod, then the documented input matches validation (strict objects refuse unknown keys, limits carry over)', () => {
    const create = document.paths['/api/v1/accounts/{account_id}/contacts'].post as unknown as Operation;
    const schema = create.requestBody!.content['application/json'].schema as { additionalProperties: boolean; properties: Record<string, { anyOf?: { maxLength?: number }[] }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.email.anyOf?.[0].maxLength).toBe(254);
    const importOp = document.paths['/api/v1/accounts/{account_id}/contacts/imports'].get as unknown as Operation;
    expect(importOp.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'per_page', in: 'query', required: false, schema: expect.objectContaining({ maximum: 100 }) })]));
  });

  it('when a route streams CSV or takes an upload, then the document says text/csv or multipart with import_file', () => {
    const exportOp = document.paths['/api/v1/accounts/{account_id}/contacts/export'].post as unknown as Operation;
    expect(Object.keys(exportOp.responses['200'].content!)).toEqual(['text/csv']);
    const rejected = document.paths['/api/v1/accounts/{account_id}/contacts/imports/{id}/rejected'].get as unknown as Operation;
    expect(Object.keys(rejected.responses['200'].content!)).toEqual(['text/csv']);
    const upload = document.paths['/api/v1/accounts/{account_id}/contacts/import'].post as unknown as Operation;
    expect(upload.requestBody!.content['multipart/form-data'].schema).toEqual(expect.objectContaining({ required: ['import_file'] }));
  });

  // It took form fields (Chatwoot's dashboard sends a new conversation so) and the document said only JSON.
  it('when a route also takes form fields, then the document lists both form types beside JSON', () => {
    const forms = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'];
    const start = document.paths['/api/v1/accounts/{account_id}/conversations'].post as unknown as Operation;
    expect(Object.keys(start.requestBody!.content)).toEqual(forms);
    const create = document.paths['/api/v1/accounts/{account_id}/contacts'].post as unknown as Operation;
    expect(Object.keys(create.requestBody!.content)).toEqual(forms);
    const note = document.paths['/api/v1/accounts/{account_id}/contacts/{id}/notes'].post as unknown as Operation;
    expect(Object.keys(note.requestBody!.content)).toEqual(['application/json']);
  });
});

describe("the API tests' own requests", () => {
  it('when a test receives a response the document does not declare, then the context records it (and close() fails the file)', async () => {
    const app = express();
    app.get('/health', (_req, res) => {
      res.status(418).json({ status: 'teapot' });
    });
    app.get('/app/x', (_req, res) => {
      res.status(418).send('not an API operation: not checked');
    });
    const mismatches: string[] = [];
    const http = documentChecked(request(app), mismatches);
    await http.get('/health');
    await http.get('/app/x');
    expect(mismatches).toEqual([expect.stringMatching(/^GET \/health answered 418, which the document does not declare/)]);
  });
});

describe('GET /api/openapi.json', () => {
  it('when fetched without a token, then it answers the built document as JSON', async () => {
    const res = await ctx.http.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
