import { useEffect, useState } from 'react';
import { errorOf } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { accountPath, useSession } from '../shell/session';
import { channelLabel } from './channel-label';
import { textDraftKey, useTextDraft } from './drafts';

interface Inbox {
  id: number;
  name: string;
  channel_type: string;
}
interface Message {
  id: number;
  content: string;
  message_type: number;
  status: string;
  created_at: number | null;
  content_attributes: { external_error?: string };
}
interface Conversation {
  id: number;
  inbox_id: number;
  messages: Message[];
}

/** Chatwoot's message_type of a message the team sent. */
const OUTGOING = 1;

/** The contact's conversations, and a new outbound message over the inboxes that can reach it. */
/**
 * `refresh` changes when the contact changed under the section (a merge brought another's
 * conversations, email or phone); `addresses` when its email or phone did (a channel may now reach it).
 */
export function MessagesSection({ contactId, blocked, refresh, addresses, onSent, isGone }: {
  contactId: number;
  blocked: boolean;
  refresh: number;
  addresses: string;
  /** A message moved the contact's last activity (a write of the contact): awaited before the box is ready again. */
  onSent: () => Promise<unknown>;
  /** Reads the contact again after a refusal: when it is gone the screen says so, and the section says nothing of it. */
  isGone: () => Promise<boolean>;
}) {
  const { t, formatDate } = useI18n();
  const session = useSession();
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [reachable, setReachable] = useState<Map<number, string>>(new Map());
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [inboxId, setInboxId] = useState('');
  // Kept as it is typed, as a note is: going to another screen and back lost a half-written message without a word.
  const [content, setContent] = useTextDraft(textDraftKey('message', session, contactId));
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  // A message being sent: a double click on Send used to send it twice.
  const [sending, setSending] = useState(false);
  // The failed message being queued again: one click queues it once.
  const [retrying, setRetrying] = useState<number | null>(null);
  // Why the conversations could not be read (it used to look like a contact without any).
  const [loadError, setLoadError] = useState<string | null>(null);
  const [channelsError, setChannelsError] = useState<{ inboxes?: string | null; reachable?: string | null }>({});
  const channelsFailed = channelsError.inboxes ?? channelsError.reachable ?? null;

  useEffect(() => {
    let live = true;
    const p = { ...accountPath(session), id: contactId };
    // Channels that cannot be read say why; without them no channel is offered (each used to
    // show as unreachable for a reason that was not the real one, or the picker looked empty).
    session.client.GET('/api/v1/accounts/{account_id}/inboxes', { params: { path: accountPath(session) } }).then(({ data, error: failed }) => {
      if (!live) return;
      if (data) setInboxes(data.payload as Inbox[]);
      setChannelsError((e) => ({ ...e, inboxes: data ? null : errorOf(failed).error }));
    });
    session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}/contactable_inboxes', { params: { path: p } }).then(({ data, error: failed }) => {
      if (!live) return;
      if (data) setReachable(new Map(data.payload.map((e) => [e.inbox.id, e.source_id] as const)));
      setChannelsError((e) => ({ ...e, reachable: data ? null : errorOf(failed).error }));
    });
    return () => {
      live = false;
    };
    // None is reachable while the contact is blocked: asked again when that changes.
  }, [session, contactId, blocked, refresh, addresses]);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const { data, error: failed } = await session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}/conversations', { params: { path: { ...accountPath(session), id: contactId } } });
      if (!live) return;
      if (!data) return setLoadError(errorOf(failed).error);
      setLoadError(null);
      const found = data.payload as Conversation[];
      setConversations(found);
      // Follow outbound messages until each is delivered or has failed.
      if (found.some((c) => c.messages.some((m) => m.status === 'queued'))) timer = setTimeout(load, 700);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [session, contactId, reload, refresh]);

  async function send() {
    if (sending) return;
    setSending(true);
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/conversations', {
      params: { path: accountPath(session) },
      body: { inbox_id: Number(inboxId), contact_id: contactId, message: { content } },
    });
    if (failed) {
      setSending(false);
      return setError((await isGone()) ? null : errorOf(failed).error);
    }
    await onSent();
    setSending(false);
    setError(null);
    setContent('');
    setReload((n) => n + 1);
  }

  /** Queues a message that failed again (Chatwoot's retry), to the address it was sent to. */
  async function retry(conversationId: number, messageId: number) {
    if (retrying !== null) return;
    setRetrying(messageId);
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages/{id}/retry', {
      params: { path: { ...accountPath(session), conversation_id: conversationId, id: messageId } },
    });
    setRetrying(null);
    setError(failed ? ((await isGone()) ? null : errorOf(failed).error) : null);
    setReload((n) => n + 1);
  }

  const reason = (inbox: Inbox) => (blocked ? t('contactIsBlocked') : inbox.channel_type === 'Channel::WebWidget' ? t('websiteNeedsVerified') : t('notReachable'));
  const inboxName = (id: number) => inboxes.find((i) => i.id === id)?.name ?? `#${id}`;
  const status = (s: string) => t(`status_${s}` as MessageKey);

  return (
    <section aria-labelledby="messages-title" className="panel">
      <h2 id="messages-title">{t('conversations')}</h2>
      {loadError && <p role="alert" className="error">{loadError}</p>}
      {!loadError && conversations.length === 0 && <p className="muted">{t('noConversations')}</p>}
      <ul className="conversations">
        {conversations.map((c) => (
          <li key={c.id}>
            <strong>{inboxName(c.inbox_id)}</strong>
            <ul>
              {c.messages.map((m) => (
                <li key={m.id} data-testid="message">
                  <span className="message-content">{m.content}</span> · <span className={`status status-${m.status}`} data-testid="message-status">{status(m.status)}</span>
                  {m.content_attributes.external_error && <span className="error"> ({m.content_attributes.external_error})</span>} · {formatDate(m.created_at)}
                  {m.status === 'failed' && m.message_type === OUTGOING && !blocked && (
                    <>
                      {' '}
                      <button type="button" aria-disabled={retrying !== null} aria-busy={retrying === m.id} onClick={() => void retry(c.id, m.id)}>{t('retryMessage')}</button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <h3>{t('newMessage')}</h3>
      {blocked && <p className="hint">{t('blockedNoMessages')}</p>}
      <div className="fields">
        {/* Named by aria-label too: wrapped in its label, the select's name took the chosen option's
            text as well ("Channel —"), and the box's its typed text. */}
        <label>
          {t('channel')}
          <select aria-label={t('channel')} value={inboxId} onChange={(e) => setInboxId(e.target.value)}>
            <option value="">—</option>
            {!channelsFailed && inboxes.map((inbox) => (
              <option key={inbox.id} value={inbox.id} disabled={!reachable.has(inbox.id)}>
                {channelLabel(inbox, reachable.get(inbox.id), { unreachable: reason(inbox), verified: t('verifiedVisitor') })}
              </option>
            ))}
          </select>
        </label>
        <label className="stacked">
          {t('message')}
          <textarea aria-label={t('message')} rows={2} value={content} onChange={(e) => setContent(e.target.value)} />
        </label>
      </div>
      {channelsFailed && <p role="alert" className="error" data-testid="channels-error">{t('channelsReadFailed', { message: channelsFailed })}</p>}
      <button type="button" className="primary" disabled={sending || blocked || !inboxId || !content.trim() || channelsFailed !== null} aria-busy={sending} onClick={send}>{t('send')}</button>
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
