import { bulkActionBody, bulkActionIdParams } from '../bulk-actions/bulk-actions.schemas';
import { emailCollectSchema, inboxPublicParams, visitorConversationSchema, visitorInputSchema, visitorParams } from '../capture/capture.schemas';
import { contactMergeSchema } from '../contacts/contact-merge.schemas';
import { contactIdParams, contactInputSchema, listQuery, searchQuery } from '../contacts/contacts.schemas';
import { definitionCreateSchema, definitionIdParams, definitionListQuery, definitionUpdateSchema } from '../custom-attributes/custom-attributes.schemas';
import { exportBody } from '../export/contact-export.schemas';
import { importIdParams, importListQuery } from '../import/contact-import.schemas';
import { createInboxSchema, inboxParams, updateInboxSchema } from '../inboxes/inboxes.schemas';
import { contactLabelsSchema, labelCreateSchema, labelIdParams, labelUpdateSchema } from '../labels/labels.schemas';
import { contactParams, newConversationSchema } from '../messaging/messaging.schemas';
import { contactNotesParams, noteInputSchema, noteParams } from '../notes/notes.schemas';
import { pageQuery } from '../search/list-request';
import { filterBody, segmentCreateBody, segmentIdParams, segmentListQuery, segmentUpdateBody } from '../segments/segments.schemas';
import { exact, ref } from './components';
import type { JsonSchema } from './from-zod';
import { csv, json, type OperationSpec } from './operation';

const A = '/api/v1/accounts/{account_id}';
const P = '/public/api/v1/inboxes/{inbox_identifier}';

const arrayOf = (schema: JsonSchema): JsonSchema => ({ type: 'array', items: schema });
const payloadOf = (schema: JsonSchema): JsonSchema => exact({ payload: schema });
const deleted = json('Deleted', ref('Empty'));

/** Chatwoot clients wrap a custom filter's fields in `custom_filter`; the schema's preprocess takes both. */
const wrappedInCustomFilter = (fields: JsonSchema): JsonSchema => ({
  anyOf: [fields, { type: 'object', properties: { custom_filter: fields }, required: ['custom_filter'] }],
});

const health: OperationSpec[] = [
  {
    method: 'get', path: '/health', operationId: 'health', summary: 'Liveness', tag: 'Service', access: 'open',
    responses: { '200': json('The process answers', exact({ status: { const: 'ok' } })) },
  },
  {
    method: 'get', path: '/metrics', operationId: 'metrics', summary: 'Prometheus metrics', tag: 'Service', access: 'open',
    responses: { '200': { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  },
  {
    method: 'get', path: '/api/openapi.json', operationId: 'openapiDocument', summary: 'This document', tag: 'Service', access: 'open',
    responses: { '200': json('The OpenAPI 3.1 document of the API', {
        type: 'object',
        properties: { openapi: { const: '3.1.0' }, paths: { type: 'object' }, components: { type: 'object' } },
        required: ['openapi', 'paths', 'components'],
      }) },
  },
];

const contacts: OperationSpec[] = [
  {
    method: 'get', path: `${A}/contacts`, operationId: 'listContacts', summary: 'List contacts (optionally by labels)', tag: 'Contacts', access: 'account',
    query: listQuery, responses: { '200': json('A page of contacts', ref('ContactList')) },
  },
  {
    method: 'get', path: `${A}/contacts/search`, operationId: 'searchContacts', summary: 'Search contacts by name, email, phone or identifier', tag: 'Contacts', access: 'account',
    query: searchQuery, responses: { '200': json('A page of matching contacts', ref('ContactList')) },
  },
  {
    method: 'post', path: `${A}/contacts`, operationId: 'createContact', summary: 'Create a contact', tag: 'Contacts', access: 'account',
    body: contactInputSchema,
    responses: { '200': json('The created contact', payloadOf(exact({ contact: ref('Contact'), contact_inbox: { type: 'null' } }))) },
  },
  {
    method: 'get', path: `${A}/contacts/{id}`, operationId: 'showContact', summary: 'Show a contact', tag: 'Contacts', access: 'account',
    params: contactIdParams, responses: { '200': json('The contact', payloadOf(ref('Contact'))) },
  },
  ...(['patch', 'put'] as const).map((method): OperationSpec => ({
    method, path: `${A}/contacts/{id}`, operationId: `${method}Contact`, summary: 'Update a contact (only the fields given)', tag: 'Contacts', access: 'account',
    params: contactIdParams, body: contactInputSchema, responses: { '200': json('The updated contact', payloadOf(ref('Contact'))) },
  })),
  {
    method: 'delete', path: `${A}/contacts/{id}`, operationId: 'deleteContact', summary: 'Delete a contact', tag: 'Contacts', access: 'administrator',
    params: contactIdParams, responses: { '200': deleted },
  },
  {
    method: 'post', path: `${A}/actions/contact_merge`, operationId: 'mergeContacts', summary: 'Merge the mergee contact into the base contact', tag: 'Contacts', access: 'account',
    body: contactMergeSchema, responses: { '200': json('The base contact after the merge, bare', ref('Contact')) },
  },
];

const labels: OperationSpec[] = [
  {
    method: 'get', path: `${A}/labels`, operationId: 'listLabels', summary: "List the account's labels", tag: 'Labels', access: 'account',
    responses: { '200': json('Every label, by title', payloadOf(arrayOf(ref('Label')))) },
  },
  {
    method: 'post', path: `${A}/labels`, operationId: 'createLabel', summary: 'Create a label', tag: 'Labels', access: 'administrator',
    body: labelCreateSchema, responses: { '200': json('The label', ref('Label')) },
  },
  {
    method: 'get', path: `${A}/labels/{id}`, operationId: 'showLabel', summary: 'Show a label', tag: 'Labels', access: 'account',
    params: labelIdParams, responses: { '200': json('The label', ref('Label')) },
  },
  {
    method: 'patch', path: `${A}/labels/{id}`, operationId: 'updateLabel', summary: 'Update a label (its title cannot change)', tag: 'Labels', access: 'administrator',
    params: labelIdParams, body: labelUpdateSchema, responses: { '200': json('The label', ref('Label')) },
  },
  {
    method: 'delete', path: `${A}/labels/{id}`, operationId: 'deleteLabel', summary: 'Delete a label and take it off every contact', tag: 'Labels', access: 'administrator',
    params: labelIdParams, responses: { '200': deleted },
  },
  {
    method: 'get', path: `${A}/contacts/{id}/labels`, operationId: 'listContactLabels', summary: "A contact's labels", tag: 'Labels', access: 'account',
    params: contactIdParams, responses: { '200': json('Label titles', payloadOf(arrayOf({ type: 'string' }))) },
  },
  {
    method: 'post', path: `${A}/contacts/{id}/labels`, operationId: 'setContactLabels', summary: "Replace a contact's labels", tag: 'Labels', access: 'account',
    params: contactIdParams, body: contactLabelsSchema, responses: { '200': json('The label titles now on the contact', payloadOf(arrayOf({ type: 'string' }))) },
  },
];

const definitionsPath = `${A}/custom_attribute_definitions`;
const customAttributes: OperationSpec[] = [
  {
    method: 'get', path: definitionsPath, operationId: 'listCustomAttributeDefinitions', summary: 'List custom attribute definitions', tag: 'Custom attributes', access: 'account',
    query: definitionListQuery, responses: { '200': json('The definitions, bare', arrayOf(ref('CustomAttributeDefinition'))) },
  },
  {
    method: 'post', path: definitionsPath, operationId: 'createCustomAttributeDefinition', summary: 'Define a custom attribute', tag: 'Custom attributes', access: 'administrator',
    body: definitionCreateSchema, responses: { '200': json('The definition', ref('CustomAttributeDefinition')) },
  },
  {
    method: 'get', path: `${definitionsPath}/{id}`, operationId: 'showCustomAttributeDefinition', summary: 'Show a custom attribute definition', tag: 'Custom attributes', access: 'account',
    params: definitionIdParams, responses: { '200': json('The definition', ref('CustomAttributeDefinition')) },
  },
  ...(['patch', 'put'] as const).map((method): OperationSpec => ({
    method, path: `${definitionsPath}/{id}`, operationId: `${method}CustomAttributeDefinition`, summary: 'Update a custom attribute definition (key and type cannot change)',
    tag: 'Custom attributes', access: 'administrator',
    params: definitionIdParams, body: definitionUpdateSchema, responses: { '200': json('The definition', ref('CustomAttributeDefinition')) },
  })),
  {
    method: 'delete', path: `${definitionsPath}/{id}`, operationId: 'deleteCustomAttributeDefinition', summary: 'Delete a custom attribute definition (values stay on contacts)',
    tag: 'Custom attributes', access: 'administrator', params: definitionIdParams, responses: { '200': deleted },
  },
];

const segments: OperationSpec[] = [
  {
    method: 'post', path: `${A}/contacts/filter`, operationId: 'filterContacts', summary: "Run a filter (Chatwoot's filter payload)", tag: 'Segments', access: 'account',
    query: pageQuery, body: filterBody, responses: { '200': json('A page of matching contacts', ref('ContactList')) },
  },
  {
    method: 'get', path: `${A}/custom_filters`, operationId: 'listSegments', summary: 'List segments (saved filters), optionally with counts', tag: 'Segments', access: 'account',
    query: segmentListQuery, responses: { '200': json('The segments, bare; each with `count` when with_counts is true', arrayOf(ref('Segment'))) },
  },
  {
    method: 'post', path: `${A}/custom_filters`, operationId: 'createSegment', summary: 'Save a filter as a segment', tag: 'Segments', access: 'account',
    body: segmentCreateBody, bodySchema: wrappedInCustomFilter, responses: { '200': json('The segment', ref('Segment')) },
  },
  {
    method: 'get', path: `${A}/custom_filters/{id}`, operationId: 'showSegment', summary: 'Show a segment', tag: 'Segments', access: 'account',
    params: segmentIdParams, responses: { '200': json('The segment', ref('Segment')) },
  },
  ...(['patch', 'put'] as const).map((method): OperationSpec => ({
    method, path: `${A}/custom_filters/{id}`, operationId: `${method}Segment`, summary: 'Update a segment', tag: 'Segments', access: 'account',
    params: segmentIdParams, body: segmentUpdateBody, bodySchema: wrappedInCustomFilter, responses: { '200': json('The segment', ref('Segment')) },
  })),
  {
    method: 'delete', path: `${A}/custom_filters/{id}`, operationId: 'deleteSegment', summary: 'Delete a segment', tag: 'Segments', access: 'account',
    params: segmentIdParams, responses: { '200': deleted },
  },
  {
    method: 'get', path: `${A}/custom_filters/{id}/contacts`, operationId: 'runSegment', summary: "A page of the segment's contacts", tag: 'Segments', access: 'account',
    params: segmentIdParams, query: pageQuery, responses: { '200': json('A page of contacts', ref('ContactList')) },
  },
];

const bulkActions: OperationSpec[] = [
  {
    method: 'post', path: `${A}/bulk_actions`, operationId: 'createBulkAction', summary: 'Add or remove labels, or delete, on selected contacts', tag: 'Bulk actions', access: 'account',
    body: bulkActionBody,
    responses: {
      '200': json('Done within the request (a short list of ids)', ref('BulkAction')),
      '202': json('Accepted and queued; poll GET /bulk_actions/{id}', ref('BulkAction')),
    },
  },
  {
    method: 'get', path: `${A}/bulk_actions/{id}`, operationId: 'showBulkAction', summary: "A bulk action's progress", tag: 'Bulk actions', access: 'account',
    params: bulkActionIdParams, responses: { '200': json('The bulk action', ref('BulkAction')) },
  },
];

const notePath = `${A}/contacts/{id}/notes/{note_id}`;
const notes: OperationSpec[] = [
  {
    method: 'get', path: `${A}/contacts/{id}/notes`, operationId: 'listNotes', summary: "A contact's notes", tag: 'Notes', access: 'account',
    params: contactNotesParams, responses: { '200': json('The notes, bare', arrayOf(ref('Note'))) },
  },
  {
    method: 'post', path: `${A}/contacts/{id}/notes`, operationId: 'createNote', summary: 'Write a note on a contact', tag: 'Notes', access: 'account',
    params: contactNotesParams, body: noteInputSchema, responses: { '200': json('The note', ref('Note')) },
  },
  {
    method: 'get', path: notePath, operationId: 'showNote', summary: 'Show a note', tag: 'Notes', access: 'account',
    params: noteParams, responses: { '200': json('The note', ref('Note')) },
  },
  ...(['patch', 'put'] as const).map((method): OperationSpec => ({
    method, path: notePath, operationId: `${method}Note`, summary: 'Edit a note (its author or an administrator)', tag: 'Notes', access: 'account',
    params: noteParams, body: noteInputSchema, responses: { '200': json('The note', ref('Note')) },
  })),
  {
    method: 'delete', path: notePath, operationId: 'deleteNote', summary: 'Delete a note (its author or an administrator)', tag: 'Notes', access: 'account',
    params: noteParams, responses: { '200': deleted },
  },
];

const inboxes: OperationSpec[] = [
  {
    method: 'get', path: `${A}/inboxes`, operationId: 'listInboxes', summary: "List the account's inboxes", tag: 'Inboxes', access: 'account',
    responses: { '200': json('The inboxes, secrets masked', payloadOf(arrayOf(ref('Inbox')))) },
  },
  {
    method: 'post', path: `${A}/inboxes`, operationId: 'createInbox', summary: 'Create an inbox', tag: 'Inboxes', access: 'administrator',
    body: createInboxSchema, responses: { '200': json('The inbox; a website inbox shows its hmac_token in full this once', ref('Inbox')) },
  },
  {
    method: 'get', path: `${A}/inboxes/{id}`, operationId: 'showInbox', summary: 'Show an inbox', tag: 'Inboxes', access: 'account',
    params: inboxParams, responses: { '200': json('The inbox, secrets masked', ref('Inbox')) },
  },
  {
    method: 'patch', path: `${A}/inboxes/{id}`, operationId: 'updateInbox', summary: "Update an inbox's name or channel settings (a secret left out is kept)", tag: 'Inboxes',
    access: 'administrator', params: inboxParams, body: updateInboxSchema, responses: { '200': json('The inbox, secrets masked', ref('Inbox')) },
  },
  {
    method: 'post', path: `${A}/inboxes/{id}/reset_hmac_token`, operationId: 'resetInboxHmacToken', summary: "Replace a website inbox's HMAC secret", tag: 'Inboxes',
    access: 'administrator', params: inboxParams, responses: { '200': json('The inbox with the new hmac_token in full', ref('Inbox')) },
  },
  {
    method: 'delete', path: `${A}/inboxes/{id}`, operationId: 'deleteInbox', summary: 'Delete an inbox', tag: 'Inboxes', access: 'administrator',
    params: inboxParams, responses: { '200': deleted },
  },
];

const messaging: OperationSpec[] = [
  {
    method: 'get', path: `${A}/contacts/{id}/contactable_inboxes`, operationId: 'listContactableInboxes', summary: 'Inboxes that can reach the contact', tag: 'Messaging',
    access: 'account', params: contactParams,
    responses: { '200': json('Each inbox with the source_id it would send to', payloadOf(arrayOf(exact({ source_id: { type: 'string' }, inbox: ref('Inbox') })))) },
  },
  {
    method: 'get', path: `${A}/contacts/{id}/conversations`, operationId: 'listContactConversations', summary: "The contact's conversations with their messages", tag: 'Messaging',
    access: 'account', params: contactParams, responses: { '200': json('The conversations', payloadOf(arrayOf(ref('Conversation')))) },
  },
  {
    method: 'post', path: `${A}/conversations`, operationId: 'startConversation', summary: 'Send a first outbound message to a contact through an inbox', tag: 'Messaging',
    access: 'account', body: newConversationSchema, responses: { '200': json('The conversation with its queued message', ref('Conversation')) },
  },
];

const files: OperationSpec[] = [
  {
    method: 'post', path: `${A}/contacts/export`, operationId: 'exportContacts', summary: 'Export contacts as CSV (all, by labels, by filter or by segment)', tag: 'Import and export',
    access: 'administrator', body: exportBody, responses: { '200': csv('The CSV file, streamed') },
  },
  {
    method: 'post', path: `${A}/contacts/import`, operationId: 'importContacts', summary: 'Upload a CSV file of contacts to import', tag: 'Import and export', access: 'administrator',
    body: {
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: { import_file: { type: 'string', contentMediaType: 'text/csv', description: 'the CSV file' } },
              required: ['import_file'],
            },
            encoding: { import_file: { contentType: 'text/csv' } },
          },
        },
      },
    },
    responses: {
      '200': json('The import, queued; poll GET /contacts/imports/{id}', payloadOf(ref('Import'))),
      '413': json('The file is over IMPORT_MAX_BYTES', ref('Error')),
      '415': json('The upload is not a text CSV file', ref('Error')),
    },
  },
  {
    method: 'get', path: `${A}/contacts/imports`, operationId: 'listImports', summary: "The account's imports, newest first", tag: 'Import and export', access: 'account',
    query: importListQuery,
    responses: { '200': json('A page of imports', exact({ meta: exact({ count: { type: 'integer' }, current_page: { type: 'integer' } }), payload: arrayOf(ref('Import')) })) },
  },
  {
    method: 'get', path: `${A}/contacts/imports/{id}`, operationId: 'showImport', summary: "An import's progress and counts", tag: 'Import and export', access: 'account',
    params: importIdParams, responses: { '200': json('The import', payloadOf(ref('Import'))) },
  },
  {
    method: 'get', path: `${A}/contacts/imports/{id}/rejected`, operationId: 'importRejectedRows', summary: "An import's rejected rows as CSV, each with its reason", tag: 'Import and export',
    access: 'account', params: importIdParams, responses: { '200': csv('The rejected rows, streamed') },
  },
];

const visitorPath = `${P}/contacts/{source_id}`;
const capture: OperationSpec[] = [
  {
    method: 'post', path: `${P}/contacts`, operationId: 'createVisitor', summary: 'Start a website visitor (its contact and source_id)', tag: 'Website widget (public)', access: 'public',
    params: inboxPublicParams, body: visitorInputSchema, responses: { '200': json('The visitor', ref('Visitor')) },
  },
  {
    method: 'get', path: visitorPath, operationId: 'showVisitor', summary: 'Show a visitor', tag: 'Website widget (public)', access: 'public',
    params: visitorParams, responses: { '200': json('The visitor', ref('Visitor')) },
  },
  ...(['patch', 'put'] as const).map((method): OperationSpec => ({
    method, path: visitorPath, operationId: `${method}Visitor`, summary: 'Update or identify a visitor', tag: 'Website widget (public)', access: 'public',
    params: visitorParams, body: visitorInputSchema, responses: { '200': json('The visitor', ref('Visitor')) },
  })),
  {
    method: 'post', path: `${visitorPath}/conversations`, operationId: 'startVisitorConversation', summary: 'Pre-chat form: start a conversation with its first message',
    tag: 'Website widget (public)', access: 'public', params: visitorParams, body: visitorConversationSchema,
    responses: { '200': json('The conversation and the visitor', ref('VisitorConversation')) },
  },
  {
    method: 'post', path: `${visitorPath}/email_collect`, operationId: 'collectVisitorEmail', summary: "Email collect: the visitor's email", tag: 'Website widget (public)',
    access: 'public', params: visitorParams, body: emailCollectSchema, responses: { '200': json('The visitor', ref('Visitor')) },
  },
];

/** Every route buildApp registers; test/openapi checks this list against the app's router both ways. */
export const operations: OperationSpec[] = [
  ...health, ...contacts, ...labels, ...customAttributes, ...segments, ...bulkActions, ...notes, ...inboxes, ...messaging, ...files, ...capture,
];
