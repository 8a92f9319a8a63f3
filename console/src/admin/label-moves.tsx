import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { accountPath, useSession } from '../shell/session';
import { changeTabList, readTabList } from '../shell/tab-store';

/**
 * A label renamed (`to`: its new title) or deleted (`to` null) in Administration, whose contacts a
 * job moves off the old title `from` after the request has answered. Nothing said so: a label of
 * 92,749 contacts listed "0 contacts" under its new title at first, then filled over 43 s, and a
 * deleted one stayed on rows for 23 s (console audit at 940,000 contacts).
 */
export interface LabelMove {
  from: string;
  to: string | null;
}

const isMove = (value: unknown): value is LabelMove =>
  typeof value === 'object' && value !== null && typeof (value as LabelMove).from === 'string' && (typeof (value as LabelMove).to === 'string' || (value as LabelMove).to === null);
// The moves being followed, by account, for the tab: a reload follows them on.
const storeKey = (accountId: number) => `contacts.labelMoves.${accountId}`;

const TrackContext = createContext<(move: LabelMove) => void>(() => undefined);

/** Hands a rename or a delete over, to be followed until no contact carries the old title. */
export const useTrackLabelMove = () => useContext(TrackContext);

const POLL_MS = 2000;

interface Followed {
  move: LabelMove;
  /** Contacts still carrying the old title, as the search index last counted them (null: not counted yet). */
  left: number | null;
  /** Whether a count was tried: the first one is at once, the next ones every POLL_MS. */
  tried: boolean;
}

/**
 * Follows the moves handed to it (useTrackLabelMove), counting the contacts that still carry the
 * old title, and says so above every screen while any do; `onChanged` when one is done. A move
 * stops being followed when the old title is a label again (a label made with it stops the job,
 * and the contacts not reached keep it, now that label's).
 */
export function LabelMoves({ onChanged, children }: { onChanged: () => void; children: ReactNode }) {
  const { plural } = useI18n();
  const session = useSession();
  const { accountId } = session;
  const [moves, setMoves] = useState<Followed[]>(() => readTabList(storeKey(accountId), isMove).map((move) => ({ move, left: null, tried: false })));

  const track = useCallback(
    (move: LabelMove) => {
      changeTabList(storeKey(accountId), isMove, (list) => [...list.filter((m) => m.from !== move.from), move]);
      setMoves((was) => [...was.filter((m) => m.move.from !== move.from), { move, left: null, tried: false }]);
    },
    [accountId],
  );

  useEffect(() => {
    if (!moves.length) return;
    let live = true;
    // The first count at once: a label of a few contacts is moved within its request.
    const timer = setTimeout(async () => {
      const path = accountPath(session);
      const [labels, ...counts] = await Promise.all([
        session.client.GET('/api/v1/accounts/{account_id}/labels', { params: { path } }),
        ...moves.map(({ move }) =>
          session.client.GET('/api/v1/accounts/{account_id}/contacts', { params: { path, query: { labels: [move.from], per_page: 1, include_contact_inboxes: 'false' } } }),
        ),
      ]);
      if (!live) return;
      const titles = new Set(labels.data?.payload.map((l) => l.title));
      const ended: string[] = [];
      const next = moves.map((followed, i): Followed | null => {
        const count = counts[i].data?.meta.count;
        // Not counted (the index away): followed on, as last counted.
        if (count === undefined) return { ...followed, tried: true };
        if (count > 0 && !titles.has(followed.move.from)) return { ...followed, left: count, tried: true };
        ended.push(followed.move.from);
        return null;
      });
      if (ended.length) changeTabList(storeKey(accountId), isMove, (list) => list.filter((m) => !ended.includes(m.from)));
      // A move handed over during the read stays as it is, for the next one.
      setMoves((was) => was.flatMap((m) => (moves.includes(m) ? next[moves.indexOf(m)] ?? [] : [m])));
      if (ended.length) onChanged();
    }, moves.some((m) => !m.tried) ? 0 : POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [moves, session, accountId, onChanged]);

  const shown = moves.filter((m): m is Followed & { left: number } => m.left !== null);
  return (
    <TrackContext.Provider value={track}>
      {shown.length > 0 && (
        <section className="background-work" aria-label={plural('labelMoves', shown.length)}>
          {shown.map(({ move, left }) => (
            <p key={move.from} className="background-line" role="status" data-testid="label-move">
              {move.to === null ? plural('labelRemoving', left, { title: move.from }) : plural('labelMoving', left, { from: move.from, to: move.to })}
            </p>
          ))}
        </section>
      )}
      {children}
    </TrackContext.Provider>
  );
}
