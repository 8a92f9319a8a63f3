import { Router } from 'express';
import { z } from 'zod';
import { accountAccess, callerOf } from '../accounts/auth.middleware';
import { withoutAnsweredFields } from '../shared/answered-fields';
import { errorBodySchema } from '../shared/error-handler';
import { ValidationError } from '../shared/errors';
import { emptySchema } from '../shared/response-fields';
import { defineRoute, ifNoneMatchHeadersOf, json, notModifiedResponse } from '../shared/route';
import { sendJsonArray } from '../shared/send-json-array';
import { bareOrWrappedSchema } from '../shared/wrapped-body';
import { contactETag, versionsOf } from '../contacts/contact-etag';
import { preconditionFailedResponse } from '../shared/error-handler';
import type { ResponseSpec } from '../shared/route';
import type { Response } from 'express';
import { notePayloadSchema } from './note.presenter';
import type { NotesService, VersionedNote } from './notes.service';
import { contactNotesParams, noteIfMatchHeaders, noteInputSchema, noteParams, noteUpdateSchema } from './notes.schemas';

const bareOrWrapped = bareOrWrappedSchema('note');

const tag = 'Notes';
const notePath = '/contacts/:id(\\d+)/notes/:note_id(\\d+)';
/** notes.service refuses a change to a note by anyone but its author or an administrator. */
const notAuthor = json('Neither the author of the note nor an administrator', errorBodySchema);

/** A note's answer with its ETag, which If-Match on a later edit takes. */
const withNoteETag = (response: ResponseSpec): ResponseSpec => ({
  ...response,
  headers: { ETag: { description: "the note's version: send it as If-Match on a later edit of the note to write only if nobody edited it since", schema: { type: 'string' } } },
});

const answerNote = (res: Response, { payload, version }: VersionedNote) => res.status(200).set('ETag', contactETag(version, payload)).json(payload);

export function notesRouter(notes: NotesService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'get', path: '/contacts/:id(\\d+)/notes', operationId: 'listNotes', summary: "A contact's notes", tag, access: accountAccess,
      params: contactNotesParams, responses: { '200': json('The notes, bare', z.array(notePayloadSchema)) },
    },
    async ({ params }, req, res) => {
      await sendJsonArray(res, await notes.listPages(callerOf(req).accountId, params.id));
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/contacts/:id(\\d+)/notes', operationId: 'createNote', summary: 'Write a note on a contact', tag, access: accountAccess,
      params: contactNotesParams, body: noteInputSchema, bodySchema: bareOrWrapped, responses: { '200': withNoteETag(json('The note', notePayloadSchema)) },
    },
    async ({ params, body }, req, res) => {
      answerNote(res, await notes.create(callerOf(req), params.id, body));
    },
  );

  defineRoute(
    router,
    {
      method: 'get', path: notePath, operationId: 'showNote', summary: 'Show a note', tag, access: accountAccess,
      params: noteParams, headers: ifNoneMatchHeadersOf('the note'), responses: { '200': withNoteETag(json('The note', notePayloadSchema)), '304': notModifiedResponse },
    },
    async ({ params }, req, res) => {
      answerNote(res, await notes.show(callerOf(req).accountId, params.id, params.note_id));
    },
  );

  for (const method of ['patch', 'put'] as const) {
    defineRoute(
      router,
      {
        method, path: notePath, operationId: `${method}Note`, summary: 'Edit a note (its author or an administrator)', tag, access: accountAccess,
        params: noteParams, body: noteUpdateSchema, bodySchema: bareOrWrapped, headers: noteIfMatchHeaders,
        responses: { '200': withNoteETag(json('The note', notePayloadSchema)), '403': notAuthor, '412': preconditionFailedResponse },
      },
      async ({ params, body, headers }, req, res) => {
        const caller = callerOf(req);
        if (body.contact_id !== undefined && body.contact_id !== params.id) {
          throw new ValidationError(`contact_id ${body.contact_id} is not the contact in the path (${params.id}); a note cannot move`, 'contact_id');
        }
        const input = withoutAnsweredFields(body, { id: params.note_id, accountId: caller.accountId }, ['contact_id', 'user']);
        const readAuthor = body.user === null ? null : body.user?.id;
        answerNote(res, await notes.update(caller, params.id, params.note_id, { ...input, readAuthor }, versionsOf(headers['if-match'])));
      },
    );
  }

  defineRoute(
    router,
    {
      method: 'delete', path: notePath, operationId: 'deleteNote', summary: 'Delete a note (its author or an administrator)', tag, access: accountAccess,
      params: noteParams, headers: noteIfMatchHeaders, responses: { '200': json('Deleted', emptySchema), '403': notAuthor, '412': preconditionFailedResponse },
    },
    async ({ params, headers }, req, res) => {
      await notes.remove(callerOf(req), params.id, params.note_id, versionsOf(headers['if-match']));
      res.status(200).json({});
    },
  );

  return router;
}
