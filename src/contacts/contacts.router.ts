import { Router } from 'express';
import { callerOf, requireAdministrator } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import type { ContactsService } from './contacts.service';
import { contactIdParams, contactInputSchema, listQuery, searchQuery } from './contacts.schemas';
import { toListResponse, toPageRequest } from '../search/list-request';

export function contactsRouter(contacts: ContactsService, options: { maxPerPage: number }): Router {
  const router = Router({ mergeParams: true });

  router.get(
    '/contacts',
    handle({ query: listQuery }, async ({ query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      const labels = query.labels === undefined ? [] : [query.labels].flat().map((label) => label.trim().toLowerCase());
      const filter = labels.length ? { terms: { labels } } : undefined;
      const page = await contacts.list(callerOf(req).accountId, filter, request);
      res.json(toListResponse(page, request));
    }),
  );

  router.get(
    '/contacts/search',
    handle({ query: searchQuery }, async ({ query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      res.json(toListResponse(await contacts.search(callerOf(req).accountId, query.q, request), request));
    }),
  );

  router.post(
    '/contacts',
    handle({ body: contactInputSchema }, async ({ body }, req, res) => {
      const contact = await contacts.create(callerOf(req).accountId, body);
      res.status(200).json({ payload: { contact, contact_inbox: null } });
    }),
  );

  router.get(
    '/contacts/:id(\\d+)',
    handle({ params: contactIdParams }, async ({ params }, req, res) => {
      res.json({ payload: await contacts.show(callerOf(req).accountId, params.id) });
    }),
  );

  const update = handle({ params: contactIdParams, body: contactInputSchema }, async ({ params, body }, req, res) => {
    res.json({ payload: await contacts.update(callerOf(req).accountId, params.id, body) });
  });
  router.patch('/contacts/:id(\\d+)', update);
  router.put('/contacts/:id(\\d+)', update);

  router.delete(
    '/contacts/:id(\\d+)',
    requireAdministrator,
    handle({ params: contactIdParams }, async ({ params }, req, res) => {
      await contacts.remove(callerOf(req).accountId, params.id);
      res.status(200).json({});
    }),
  );

  return router;
}
