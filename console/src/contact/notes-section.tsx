import { useEffect, useState, type KeyboardEvent } from 'react';
import { errorOf, type Session } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { accountPath, useSession } from '../shell/session';
import { renderMarkdown } from './markdown';

interface Note {
  id: number;
  content: string;
  created_at: number;
  user: { name: string } | null;
}

const notePath = (session: Session, contactId: number) => ({ ...accountPath(session), id: contactId });

export function NotesSection({ contactId }: { contactId: number }) {
  const { t, formatDate } = useI18n();
  const session = useSession();
  const [notes, setNotes] = useState<Note[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    session.client
      .GET('/api/v1/accounts/{account_id}/contacts/{id}/notes', { params: { path: notePath(session, contactId) } })
      .then(({ data }) => data && setNotes(data as Note[]));
  }, [session, contactId, reload]);

  async function add() {
    if (!draft.trim()) return;
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/contacts/{id}/notes', {
      params: { path: notePath(session, contactId) },
      body: { content: draft },
    });
    if (failed) return setError(errorOf(failed).error);
    setDraft('');
    setError(null);
    setReload((n) => n + 1);
  }

  async function remove(noteId: number) {
    const { error: failed } = await session.client.DELETE('/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}', {
      params: { path: { ...notePath(session, contactId), note_id: noteId } },
    });
    if (failed) return setError(errorOf(failed).error);
    setConfirming(null);
    setReload((n) => n + 1);
  }

  // Cmd+Enter (macOS) or Ctrl+Enter saves, as in Chatwoot.
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      void add();
    }
  }

  return (
    <section aria-labelledby="notes-title" className="panel">
      <h2 id="notes-title">{t('notes')}</h2>
      <label className="stacked">
        {t('newNote')}
        <textarea rows={3} value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown} />
      </label>
      <button type="button" onClick={add} disabled={!draft.trim()}>{t('addNote')}</button>
      {error && <p role="alert" className="error">{error}</p>}
      <ul className="notes">
        {notes.map((note) => (
          <li key={note.id} className="note" data-testid="note">
            {/* Sanitized by DOMPurify in renderMarkdown. */}
            <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(note.content, t('image')) }} />
            <div className="meta">
              {note.user?.name} · {formatDate(note.created_at)}{' '}
              {confirming === note.id ? (
                <>
                  <span>{t('confirmDeleteNote')}</span>{' '}
                  <button type="button" className="danger" onClick={() => remove(note.id)}>{t('confirm')}</button>
                  <button type="button" onClick={() => setConfirming(null)}>{t('cancel')}</button>
                </>
              ) : (
                <button type="button" onClick={() => setConfirming(note.id)}>{t('deleteNote')}</button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
