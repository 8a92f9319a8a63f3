import { Router } from 'express';
import { callerOf } from '../accounts/auth.middleware';
import { handle } from '../shared/validate';
import type { NotesService } from './notes.service';
import { contactNotesParams, noteInputSchema, noteParams } from './notes.schemas';

export function notesRouter(notes: NotesService): Router {
  const router = Router({ mergeParams: true });

  router.get(
    '/contacts/:id(\\d+)/notes',
    handle({ params: contactNotesParams }, async ({ params }, req, res) => {
      res.json(await notes.list(callerOf(req).accountId, params.id));
    }),
  );

  router.post(
    '/contacts/:id(\\d+)/notes',
    handle({ params: contactNotesParams, body: noteInputSchema }, async ({ params, body }, req, res) => {
      res.status(200).json(await notes.create(callerOf(req), params.id, body));
    }),
  );

  router.get(
    '/contacts/:id(\\d+)/notes/:note_id(\\d+)',
    handle({ params: noteParams }, async ({ params }, req, res) => {
      res.json(await notes.show(callerOf(req).accountId, params.id, params.note_id));
    }),
  );

  const update = handle({ params: noteParams, body: noteInputSchema }, async ({ params, body }, req, res) => {
    res.json(await notes.update(callerOf(req), params.id, params.note_id, body));
  });
  router.patch('/contacts/:id(\\d+)/notes/:note_id(\\d+)', update);
  router.put('/contacts/:id(\\d+)/notes/:note_id(\\d+)', update);

  router.delete(
    '/contacts/:id(\\d+)/notes/:note_id(\\d+)',
    handle({ params: noteParams }, async ({ params }, req, res) => {
      await notes.remove(callerOf(req), params.id, params.note_id);
      res.status(200).json({});
    }),
  );

  return router;
}
