import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorOf, type Session } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { saidKey, verbatim, type Said } from '../i18n/said';
import { useFocusLater } from '../shell/focus-later';
import { accountPath, useSession } from '../shell/session';
import { renderMarkdown } from './markdown';
import { textDraftKey, useTextDraft } from './drafts';

interface Note {
  id: number;
  content: string;
  created_at: number;
  updated_at: number;
  user: { id: number; name: string } | null;
}

const notePath = (session: Session, contactId: number) => ({ ...accountPath(session), id: contactId });

/** Cmd+Enter (macOS) or Ctrl+Enter saves, as in Chatwoot; Escape cancels. */
const editorKeys = (save: () => void, cancel?: () => void) => (event: KeyboardEvent<HTMLTextAreaElement>) => {
  if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
    event.preventDefault();
    save();
  } else if (event.key === 'Escape' && cancel) {
    event.preventDefault();
    cancel();
  }
};

/**
 * The contact's notes, newest first (the API's order, which an edit does not change). Only a
 * note's author or an administrator may edit or delete it (the API answers 403 to anyone else),
 * so other users' notes say so instead of offering buttons that would fail.
 */
/**
 * `refresh` changes when the contact changed under the section (a merge brought another's notes);
 * `isGone` reads the contact again after a 404, saying above the screen that it is gone (then
 * the section says nothing of it: it said "contact N not found" in English at the note).
 */
export function NotesSection({ contactId, refresh, isGone }: { contactId: number; refresh: number; isGone: () => Promise<boolean> }) {
  const { t, formatDate, say } = useI18n();
  const session = useSession();
  const [notes, setNotes] = useState<Note[]>([]);
  // Kept in sessionStorage as it is typed: a session that ends while a note is written (revoked,
  // signed out elsewhere) goes to the sign-in screen, and the note's text used to be lost with it.
  const [draft, setDraft] = useTextDraft(textDraftKey('note', session, contactId));
  const [error, setError] = useState<string | null>(null);
  // The new note's refusal, apart from the list's errors: it goes once the note is changed (it
  // stayed on screen after the box was emptied and another note saved).
  const [draftError, setDraftError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  // A delete under way: a double click on Confirm used to send a second DELETE, answered 404 and shown as an error.
  const [deleting, setDeleting] = useState(false);
  const { root, focusLater } = useFocusLater<HTMLElement>();
  const giveUpDelete = (noteId: number) => {
    setConfirming(null);
    focusLater(`[data-focus="delete-${noteId}"]`);
  };
  const closeEditor = (noteId: number) => {
    setEditing(null);
    focusLater(`[data-focus="edit-${noteId}"]`);
  };
  // An edit carries the note's ETag as read when it opened: a save is written only if nobody edited
  // the note since (If-Match), else the other text is shown beside the one typed (`theirs`).
  const [editing, setEditing] = useState<{ id: number; content: string; error: Said | null; theirs: string | null } | null>(null);
  const editTag = useRef<string | null>(null);
  const [reload, setReload] = useState(0);
  // A note being saved: a second click or Ctrl+Enter before the answer used to save it twice.
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    session.client
      .GET('/api/v1/accounts/{account_id}/contacts/{id}/notes', { params: { path: notePath(session, contactId) } })
      // A failed read says why (it used to look like a contact without notes).
      .then(({ data, error: failed }) => (data ? setNotes(data as Note[]) : setError(errorOf(failed).error)));
  }, [session, contactId, reload, refresh]);

  const mayChange = (note: Note) => session.role === 'administrator' || note.user?.id === session.userId;

  async function add() {
    if (!draft.trim() || saving) return;
    setSaving(true);
    const { error: failed, response } = await session.client.POST('/api/v1/accounts/{account_id}/contacts/{id}/notes', {
      params: { path: notePath(session, contactId) },
      body: { content: draft },
    });
    setSaving(false);
    if (response.status === 404 && (await isGone())) return setDraftError(null);
    if (failed) return setDraftError(errorOf(failed).error);
    setDraft('');
    setDraftError(null);
    setReload((n) => n + 1);
  }

  /** The note as stored now, with its ETag; or why it cannot be read. */
  async function readNote(noteId: number): Promise<{ note: Note; etag: string | null } | { failure: string }> {
    const { data, error: failed, response } = await session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}', {
      params: { path: { ...notePath(session, contactId), note_id: noteId } },
    });
    return data ? { note: data as Note, etag: response.headers.get('ETag') } : { failure: errorOf(failed).error };
  }

  // The read of the note an edit opened on, for its ETag: the editor opens at once with the text
  // listed (a keyboard user's Escape right after Edit must find it open), and a save waits for it.
  const editRead = useRef<Promise<unknown> | null>(null);
  // An editor opens with the caret at the end, where an edit usually goes (it was at the start: a
  // word typed at once went before the note's text).
  const editorRef = useRef<HTMLTextAreaElement>(null);
  const editingId = editing?.id;
  useEffect(() => {
    const editor = editorRef.current;
    editor?.setSelectionRange(editor.value.length, editor.value.length);
  }, [editingId]);

  function startEdit(note: Note) {
    setConfirming(null);
    setEditing({ id: note.id, content: note.content, error: null, theirs: null });
    editTag.current = null;
    const reading: Promise<unknown> = readNote(note.id).then((read) => {
      if (editRead.current !== reading) return;
      if ('failure' in read) return setEditing((current) => current && { ...current, error: verbatim(read.failure) });
      editTag.current = read.etag;
      if (read.note.content === note.content) return;
      // Changed since the list was read: the stored text, unless some was typed on the listed one.
      setEditing((current) =>
        !current ? current
        : current.content === note.content ? { ...current, content: read.note.content }
        : { ...current, theirs: read.note.content, error: saidKey('noteChangedMeanwhile') },
      );
    });
    editRead.current = reading;
  }

  async function saveEdit() {
    if (!editing || !editing.content.trim() || saving) return;
    setSaving(true);
    await editRead.current;
    const etag = editTag.current;
    const { error: failed, response } = await session.client.PATCH('/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}', {
      params: { path: { ...notePath(session, contactId), note_id: editing.id }, header: etag ? { 'if-match': etag } : {} },
      body: { content: editing.content },
    });
    if (response.status === 412) {
      // Edited by someone else since it was opened: their text is shown, the one typed stays in the
      // box, and a second Save (on their version) replaces theirs on purpose.
      const read = await readNote(editing.id);
      setSaving(false);
      if ('note' in read) {
        editTag.current = read.etag;
        return setEditing({ ...editing, theirs: read.note.content, error: saidKey('noteChangedMeanwhile') });
      }
      return setEditing({ ...editing, error: verbatim(read.failure) });
    }
    setSaving(false);
    if (response.status === 404) {
      if (await isGone()) return setEditing({ ...editing, error: null });
      // The note was deleted by someone else: the text typed goes to the new note's box, not lost
      // with an editor whose Save can only fail ("note N not found", in English).
      setDraft(draft.trim() ? `${draft}\n\n${editing.content}` : editing.content);
      setEditing(null);
      setError(t('noteDeletedMeanwhile'));
      setReload((n) => n + 1);
      return;
    }
    if (failed) return setEditing({ ...editing, error: verbatim(errorOf(failed).error) });
    closeEditor(editing.id);
    setReload((n) => n + 1);
  }

  async function remove(noteId: number) {
    if (deleting) return;
    setDeleting(true);
    const { error: failed, response } = await session.client.DELETE('/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}', {
      params: { path: { ...notePath(session, contactId), note_id: noteId } },
    });
    setDeleting(false);
    setConfirming(null);
    // Gone already (the contact, or the note deleted by someone else): what was asked is done.
    if (response.status === 404 && (await isGone())) return;
    if (failed && response.status !== 404) {
      focusLater(`[data-focus="delete-${noteId}"]`);
      return setError(errorOf(failed).error);
    }
    setError(null);
    // The note is gone with its buttons: the focus goes to the notes' heading.
    focusLater('#notes-title');
    setReload((n) => n + 1);
  }

  return (
    <section aria-labelledby="notes-title" className="panel" ref={root}>
      <h2 id="notes-title" tabIndex={-1}>{t('notes')}</h2>
      <label className="stacked">
        {t('newNote')}
        <textarea rows={3} dir="auto" value={draft} aria-invalid={draftError ? true : undefined} aria-describedby={draftError ? 'new-note-error' : undefined}
          onChange={(e) => { setDraft(e.target.value); setDraftError(null); }} onKeyDown={editorKeys(() => void add())} />
      </label>
      <button type="button" onClick={add} disabled={saving || !draft.trim()} aria-busy={saving}>{t('addNote')}</button>
      {draftError && <p id="new-note-error" role="alert" className="error">{draftError}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <ul className="notes">
        {notes.map((note) => (
          <li key={note.id} className="note" data-testid="note">
            {editing?.id === note.id ? (
              <div className="note-editor">
                <label className="stacked">
                  {t('editNoteLabel')}
                  <textarea ref={editorRef} rows={4} dir="auto" autoFocus value={editing.content} aria-invalid={editing.error ? true : undefined}
                    aria-describedby={editing.error ? `note-${note.id}-error` : undefined}
                    onChange={(e) => setEditing({ ...editing, content: e.target.value })}
                    onKeyDown={editorKeys(() => void saveEdit(), () => closeEditor(note.id))} />
                </label>
                {editing.error && <p id={`note-${note.id}-error`} role="alert" className="field-error">{say(editing.error)}</p>}
                {editing.theirs !== null && (
                  <figure className="theirs">
                    <figcaption>{t('theirNoteText')}</figcaption>
                    <pre dir="auto" data-testid="their-note">{editing.theirs}</pre>
                  </figure>
                )}
                <div className="actions">
                  <button type="button" className="primary" disabled={saving || !editing.content.trim()} aria-busy={saving} onClick={saveEdit}>{t('save')}</button>
                  <button type="button" onClick={() => closeEditor(note.id)}>{t('cancel')}</button>
                </div>
              </div>
            ) : (
              // Sanitized by DOMPurify in renderMarkdown.
              <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(note.content, t('image')) }} />
            )}
            <div className="meta">
              {note.user?.name} · {formatDate(note.created_at)}
              {note.updated_at > note.created_at && <> · <span title={formatDate(note.updated_at)}>{t('edited')}</span></>}{' '}
              {!mayChange(note) ? (
                <span className="muted">· {t('noteAuthorOnly')}</span>
              ) : confirming === note.id ? (
                <span onKeyDown={(e) => { if (e.key === 'Escape') giveUpDelete(note.id); }}>
                  <span>{t('confirmDeleteNote')}</span>{' '}
                  <button type="button" className="danger" aria-disabled={deleting} aria-busy={deleting} onClick={() => remove(note.id)}>{t('confirm')}</button>
                  <button type="button" autoFocus onClick={() => giveUpDelete(note.id)}>{t('cancel')}</button>
                </span>
              ) : (
                editing?.id !== note.id && (
                  <>
                    <button type="button" data-focus={`edit-${note.id}`} onClick={() => startEdit(note)}>{t('editNote')}</button>{' '}
                    <button type="button" data-focus={`delete-${note.id}`} onClick={() => { setEditing(null); setConfirming(note.id); }}>{t('deleteNote')}</button>
                  </>
                )
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
