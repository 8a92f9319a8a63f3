import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { accountAccess, administratorAccess, callerOf } from '../accounts/auth.middleware';
import { conflictResponse, preconditionFailedResponse, searchUnavailableResponse } from '../shared/error-handler';
import { emptySchema, payloadOf } from '../shared/response-fields';
import { defineRoute, json, notModifiedResponse } from '../shared/route';
import { contactPayloadSchema, ONLINE_WINDOW_SECONDS } from '../records/contact.presenter';
import type { ContactsService, VersionedContact } from './contacts.service';
import { contactETag, versionsOf, withContactETag } from './contact-etag';
import { contactIdParams, contactInputSchema, ifMatchHeaders, ifNoneMatchHeaders, contactUpdateSchema, destroyCustomAttributesSchema, listQuery, searchQuery } from './contacts.schemas';
import { labelFilter, toPageRequest } from '../search/list-request';
import { nameFromParts, namePartsFields } from './name-parts';
import { answerContactPage, includeContactInboxesQuery, includesContactInboxes, withContactInboxes, type ContactInboxesOption } from './contact-inboxes-option';
import { narrowedBy } from '../search/search-contacts';

const tag = 'Contacts';

/** A contact's answer with its ETag, which If-Match on a later write takes (contact-etag.ts). */
/** `contactInboxes`: a contact's inboxes, which the inboxes feature above this one owns. */
// Rails clients post a contact as form fields, and Chatwoot's dashboard sends one with an avatar
// file as a FormData (the file is a 422: avatar_url takes an image). An empty field clears, as "" in JSON.
const CONTACT_FORM = { emptyFields: 'kept' } as const;

export function contactsRouter(contacts: ContactsService, options: { maxPerPage: number; contactInboxes: ContactInboxesOption }): Router {
  const router = Router({ mergeParams: true });
  const listQueryWithInboxes = listQuery.extend(includeContactInboxesQuery);
  const oneContactQuery = z.object(includeContactInboxesQuery);

  /** One contact as answered: with its contact inboxes unless asked without, as Chatwoot answers one. */
  async function answerOne(req: Request, query: { include_contact_inboxes?: 'true' | 'false' }, { payload: contact, version }: VersionedContact) {
    const [answered] = includesContactInboxes(query) ? await withContactInboxes(options.contactInboxes, callerOf(req).accountId, [contact]) : [contact];
    return { answer: { payload: answered }, version };
  }

  function answerVersioned(res: Response, { answer, version }: { answer: unknown; version: number }) {
    res.set('ETag', contactETag(version, answer)).json(answer);
  }

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts', operationId: 'listContacts', summary: 'List contacts (optionally by labels)', tag, access: accountAccess,
      query: listQueryWithInboxes, responses: { '200': json('A page of contacts', options.contactInboxes.list), '503': searchUnavailableResponse },
    },
    async ({ query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      const filter = labelFilter(query.labels);
      // What a refusal of Elasticsearch names: the labels when there are any, else the sort (a cursor's names `after` itself).
      const page = await contacts.list(callerOf(req).accountId, filter, request, filter ? 'labels' : 'sort');
      res.json(await answerContactPage(options.contactInboxes, callerOf(req).accountId, query, page, request));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/search', operationId: 'searchContacts', summary: 'Search contacts by name, email, phone or identifier', tag, access: accountAccess,
      query: searchQuery.extend(includeContactInboxesQuery), responses: { '200': json('A page of matching contacts', options.contactInboxes.list), '503': searchUnavailableResponse },
    },
    async ({ query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      res.json(await answerContactPage(options.contactInboxes, callerOf(req).accountId, query, await contacts.search(callerOf(req).accountId, query.q, request, labelFilter(query.labels)), request));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/active', operationId: 'listActiveContacts', tag, access: accountAccess,
      summary: `List the contacts online now (seen by their website widget within ${ONLINE_WINDOW_SECONDS / 60} minutes), as Chatwoot's active contacts`,
      query: listQueryWithInboxes, responses: { '200': json('A page of online contacts', options.contactInboxes.list), '503': searchUnavailableResponse },
    },
    async ({ query }, req, res) => {
      const request = toPageRequest(query, options.maxPerPage);
      // The same window as availability_status, which is computed when a contact is answered.
      const online = { range: { last_seen_at: { gt: Date.now() - ONLINE_WINDOW_SECONDS * 1000 } } };
      const labels = labelFilter(query.labels);
      res.json(await answerContactPage(options.contactInboxes, callerOf(req).accountId, query, await contacts.list(callerOf(req).accountId, narrowedBy(online, labels), request, labels ? 'labels' : 'sort'), request));
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts', operationId: 'createContact', summary: 'Create a contact', tag, access: accountAccess,
      body: contactInputSchema.extend(namePartsFields), alsoForm: CONTACT_FORM,
      responses: {
        '200': withContactETag(
          json(
            'The created contact; with inbox_id, its new record in that inbox (without, as Chatwoot answers: inbox and source_id null)',
            payloadOf(z.object({ contact: options.contactInboxes.contact, contact_inbox: z.union([options.contactInboxes.linkSchema, z.object({ inbox: z.null(), source_id: z.null() })]) })),
          ),
        ),
        '409': conflictResponse,
      },
    },
    async ({ body }, req, res) => {
      const { accountId } = callerOf(req);
      const { contact, contact_inbox, version } = await contacts.createWithInbox(accountId, nameFromParts(body));
      // A new contact's inboxes are the one it was just given, if any, answered as a contact carries them.
      const [answered] = contact_inbox.source_id === null ? [{ ...contact, contact_inboxes: [] }] : await withContactInboxes(options.contactInboxes, accountId, [contact]);
      // The contact's tag, which the next write's If-Match takes (Express's weak hash of the body was refused as stale).
      res.status(200).set('ETag', contactETag(version, { payload: answered })).json({ payload: { contact: answered, contact_inbox } });
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/:id(\\d+)', operationId: 'showContact', summary: 'Show a contact', tag, access: accountAccess,
      params: contactIdParams, query: oneContactQuery, headers: ifNoneMatchHeaders, responses: { '200': withContactETag(json('The contact', payloadOf(options.contactInboxes.contact))), '304': notModifiedResponse },
    },
    async ({ params, query }, req, res) => {
      answerVersioned(res, await answerOne(req, query, await contacts.read(callerOf(req).accountId, params.id)));
    },
  );

  for (const method of ['patch', 'put'] as const) {
    defineRoute(
      router,
      {
        method, path: '/contacts/:id(\\d+)', operationId: `${method}Contact`, summary: 'Update a contact (only the fields given)', tag, access: accountAccess,
        params: contactIdParams, query: oneContactQuery, body: contactUpdateSchema.extend(namePartsFields), headers: ifMatchHeaders, alsoForm: CONTACT_FORM,
        responses: { '200': withContactETag(json('The updated contact', payloadOf(options.contactInboxes.contact))), '409': conflictResponse, '412': preconditionFailedResponse },
      },
      async ({ params, query, body, headers }, req, res) => {
        const updated = await contacts.update(callerOf(req).accountId, params.id, nameFromParts(body), { ifVersion: versionsOf(headers['if-match']) });
        answerVersioned(res, await answerOne(req, query, updated));
      },
    );
  }

  defineRoute(
    router,
    {
      method: 'delete', path: '/contacts/:id(\\d+)/avatar', operationId: 'deleteContactAvatar', summary: "Remove a contact's avatar (Chatwoot's DELETE avatar)", tag, access: accountAccess,
      params: contactIdParams, headers: ifMatchHeaders,
      responses: { '200': withContactETag(json('The contact without its avatar', payloadOf(contactPayloadSchema))), '409': conflictResponse, '412': preconditionFailedResponse },
    },
    async ({ params, headers }, req, res) => {
      const { payload, version } = await contacts.update(callerOf(req).accountId, params.id, { avatar_url: null }, { ifVersion: versionsOf(headers['if-match']) });
      answerVersioned(res, { answer: { payload }, version });
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/:id(\\d+)/destroy_custom_attributes', operationId: 'destroyContactCustomAttributes',
      summary: "Take custom attribute keys off a contact (Chatwoot's destroy_custom_attributes)", tag, access: accountAccess,
      params: contactIdParams, body: destroyCustomAttributesSchema, headers: ifMatchHeaders,
      responses: { '200': withContactETag(json('The contact without those keys', payloadOf(options.contactInboxes.contact))), '409': conflictResponse, '412': preconditionFailedResponse },
    },
    async ({ params, body, headers }, req, res) => {
      const { accountId } = callerOf(req);
      const { payload, version } = await contacts.removeCustomAttributes(accountId, params.id, body.custom_attributes, { ifVersion: versionsOf(headers['if-match']) });
      // With its inboxes, as Chatwoot's view of this route renders it (with_contact_inboxes: true).
      const [answered] = await withContactInboxes(options.contactInboxes, accountId, [payload]);
      answerVersioned(res, { answer: { payload: answered }, version });
    },
  );

  defineRoute(
    router,
    {
      method: 'delete', path: '/contacts/:id(\\d+)', operationId: 'deleteContact', summary: 'Delete a contact', tag, access: administratorAccess,
      params: contactIdParams, headers: ifMatchHeaders, responses: { '200': json('Deleted', emptySchema), '409': conflictResponse, '412': preconditionFailedResponse },
    },
    async ({ params, headers }, req, res) => {
      await contacts.remove(callerOf(req).accountId, params.id, { ifVersion: versionsOf(headers['if-match']) });
      res.status(200).json({});
    },
  );

  return router;
}
