import { useEffect, useRef, useState } from 'react';
import { authorizedFetch, errorOf, saveAs } from '../api/client';
import { readWithProgress, type ReadProgress } from '../api/read-progress';
import { useDefinitionsRead } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { saidKey, verbatim, type Said } from '../i18n/said';
import type { MessageKey } from '../i18n/messages';
import { escapeCancels, focusFirstControl } from '../shell/escape-cancels';
import { useSession } from '../shell/session';

/** The export's standard columns (POST /contacts/export `column_names`), in the API's order. */
export const STANDARD_EXPORT_COLUMNS = [
  'id', 'name', 'email', 'phone_number', 'identifier', 'labels', 'company_name', 'city', 'country', 'country_code',
  'description', 'ip_address', 'blocked', 'created_at', 'last_activity_at',
] as const;
/** The API's default columns, offered until the user chooses others. */
const DEFAULT_COLUMNS = ['id', 'name', 'email', 'phone_number', 'identifier', 'labels'];
const STORAGE_KEY = 'contacts.exportColumns';

const COLUMN_LABELS: Record<string, MessageKey> = { id: 'columnId', ip_address: 'columnIpAddress' };

function rememberedColumns(): string[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (Array.isArray(stored) && stored.every((c) => typeof c === 'string')) return stored as string[];
  } catch {
    // Nothing usable remembered: the defaults.
  }
  return DEFAULT_COLUMNS;
}

/**
 * Chooses the columns (the standard ones and the account's custom attributes; the choice is kept
 * for the session) and downloads the list as it is shown: its source and its search (`body`),
 * with the rows read so far out of `total` (the list's count) and a Stop while the file comes.
 */
export function ExportPanel({ body, scope, total, onClose }: { body: Record<string, unknown>; scope: string; total?: number; onClose: () => void }) {
  const { t, say, formatNumber, language } = useI18n();
  const session = useSession();
  // Definitions that cannot be read are said (the panel used to offer the standard columns as if there were no others).
  const { definitions, error: definitionsError } = useDefinitionsRead();
  const [columns, setColumns] = useState<string[]>(rememberedColumns);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  // A second click before the first has re-rendered the button disabled must not download twice.
  const running = useRef(false);
  const [progress, setProgress] = useState<ReadProgress | null>(null);
  // Stops the export under way: Stop, and the panel closed (its file came later, unasked).
  const stopper = useRef<AbortController | null>(null);
  useEffect(() => () => stopper.current?.abort(), []);

  const customKeys = definitions.map((d) => d.attribute_key);
  // A remembered custom column whose attribute was deleted since would be refused (422).
  // Unless the definitions could not be read: a remembered column is then kept (the API says if it is gone).
  const known = (column: string) => (STANDARD_EXPORT_COLUMNS as readonly string[]).includes(column) || customKeys.includes(column) || definitionsError !== null;
  const chosen = columns.filter(known);

  function toggle(column: string, on: boolean) {
    const next = on ? [...columns.filter((c) => c !== column), column] : columns.filter((c) => c !== column);
    // Kept in the order the columns are offered, which is the file's.
    const order = [...STANDARD_EXPORT_COLUMNS, ...customKeys] as string[];
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    setColumns(next);
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  }

  async function run() {
    if (running.current) return;
    running.current = true;
    const stop = new AbortController();
    stopper.current = stop;
    setBusy(true);
    setError(null);
    setProgress(null);
    try {
      const res = await authorizedFetch(session, '/contacts/export', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, column_names: chosen }),
        signal: stop.signal,
      });
      // Stopped before the answer came: the fetch's failure is no unreachable service.
      if (stop.signal.aborted) setError(saidKey('exportStopped'));
      else if (res.ok) saveAs(await readWithProgress(res, setProgress), res, 'contacts.csv');
      else setError(verbatim(errorOf(await res.json().catch(() => null)).error));
    } catch (err) {
      setError(stop.signal.aborted ? saidKey('exportStopped') : saidKey('error', { message: String(err) }));
    } finally {
      running.current = false;
      stopper.current = null;
      setBusy(false);
      setProgress(null);
    }
  }

  // The header is a line too; a cell holding a line break makes one more, hence the cap.
  const rowsRead = progress ? Math.max(progress.lines - 1, 0) : 0;
  const size = (bytes: number) => new Intl.NumberFormat(language, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1e6);

  const checkbox = (column: string, label: string) => (
    <label key={column}>
      <input type="checkbox" checked={chosen.includes(column)} onChange={(e) => toggle(column, e.target.checked)} />
      {label}
    </label>
  );

  return (
    <section className="panel export-panel" ref={focusFirstControl} aria-labelledby="export-title" onKeyDown={escapeCancels(onClose)}>
      <h2 id="export-title">{t('export')}</h2>
      <p className="hint" data-testid="export-scope">{scope}</p>
      <fieldset>
        <legend>{t('exportColumns')}</legend>
        <div className="fields">
          {STANDARD_EXPORT_COLUMNS.map((column) => checkbox(column, t(COLUMN_LABELS[column] ?? (column as MessageKey))))}
          {definitions.map((d) => checkbox(d.attribute_key, d.attribute_display_name || d.attribute_key))}
        </div>
        {definitionsError && <p role="alert" className="error">{t('attributesReadFailed', { message: definitionsError })}</p>}
      </fieldset>
      {error && <p role="alert" className="error">{say(error)}</p>}
      {busy && (
        <label className="export-progress">
          <span data-testid="export-progress" role="status">
            {total !== undefined
              ? t('exportProgress', { rows: formatNumber(Math.min(rowsRead, total)), total: formatNumber(total), size: size(progress?.bytes ?? 0) })
              : t('exportProgressRows', { rows: formatNumber(rowsRead), size: size(progress?.bytes ?? 0) })}
          </span>
          {total !== undefined && <progress max={Math.max(total, 1)} value={Math.min(rowsRead, total)} />}
        </label>
      )}
      <div className="actions">
        {/* Busy as aria-disabled, as the pager's buttons: disabled, it dropped the keyboard's focus to the page while the file was made. */}
        <button type="button" className="primary" disabled={chosen.length === 0} aria-disabled={busy || undefined} aria-busy={busy} onClick={run}>
          {busy ? t('exporting') : t('downloadCsv')}
        </button>
        {busy && <button type="button" onClick={() => stopper.current?.abort()}>{t('stopExport')}</button>}
        <button type="button" onClick={onClose}>{t('cancel')}</button>
      </div>
    </section>
  );
}
