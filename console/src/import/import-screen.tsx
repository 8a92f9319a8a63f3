import { useEffect, useRef, useState, type FormEvent } from 'react';
import { authorizedFetch, download, errorOf } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { accountPath, useSession } from '../shell/session';
import { readFirstRows, unneutralise } from './read-csv';

interface Import {
  id: number;
  status: string;
  file_name: string;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  progress: number;
  error: string | null;
  ignored_columns: string[];
}

const FINISHED = ['completed', 'failed'];
/** Rejected rows shown on screen; the download holds them all. */
const REJECTED_SHOWN = 100;
const STATUSES = ['queued', 'processing', 'completed', 'failed'];

/** Upload a CSV (POST /contacts/import), then follow the import (GET /contacts/imports/{id}) until it finishes. */
export function ImportScreen({ onChanged }: { onChanged: () => void }) {
  const { t, formatNumber, language } = useI18n();
  const session = useSession();
  const [file, setFile] = useState<File | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [createLabels, setCreateLabels] = useState(false);
  const [current, setCurrent] = useState<Import | null>(null);
  const [rejectedCsv, setRejectedCsv] = useState<string[][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // An upload under way: a double click on Upload used to import the file twice.
  const [uploading, setUploading] = useState(false);
  // Status reads that failed in a row: the import is followed on (slower), saying why meanwhile.
  const [pollFailures, setPollFailures] = useState(0);

  async function upload(event: FormEvent) {
    event.preventDefault();
    if (!file || uploading) return;
    setUploading(true);
    const form = new FormData();
    form.append('create_labels', String(createLabels));
    form.append('import_file', file, file.name);
    const res = await authorizedFetch(session, '/contacts/import', { method: 'POST', body: form });
    const body = await res.json().catch(() => null);
    setUploading(false);
    if (!res.ok) return setError(errorOf(body).error);
    setError(null);
    setRejectedCsv(null);
    setCurrent((body as { payload: Import }).payload);
    // Uploaded, it is no longer the file chosen: Upload stayed enabled, and a second click imported it again.
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
  }

  // The account's latest import, shown when the screen opens: leaving the screen (or reloading)
  // during an import used to show a blank form, as if nothing were running; it is followed on.
  useEffect(() => {
    let live = true;
    session.client
      .GET('/api/v1/accounts/{account_id}/contacts/imports', { params: { path: accountPath(session), query: { per_page: 1 } } })
      .then(({ data, error: failed }) => {
        if (!live) return;
        if (!data) return setError(errorOf(failed).error);
        const latest = (data.payload as Import[])[0];
        if (latest) setCurrent((shown) => shown ?? latest);
      });
    return () => {
      live = false;
    };
  }, [session]);

  const importId = current?.id;
  const finished = current ? FINISHED.includes(current.status) : true;
  const working = current !== null && !finished;
  const percent = (share: number) => new Intl.NumberFormat(language, { style: 'percent' }).format(share);
  useEffect(() => {
    if (importId === undefined || finished) return;
    const timer = setTimeout(async () => {
      const { data, error: failed } = await session.client.GET('/api/v1/accounts/{account_id}/contacts/imports/{id}', {
        params: { path: { ...accountPath(session), id: importId } },
      });
      // A failed read used to stop following the import for good, silently.
      if (!data) {
        setError(errorOf(failed).error);
        return setPollFailures((n) => n + 1);
      }
      if (pollFailures > 0) {
        setError(null);
        setPollFailures(0);
      }
      const next = data.payload as Import;
      setCurrent(next);
      if (FINISHED.includes(next.status)) onChanged();
    }, pollFailures > 0 ? 2000 : 400);
    return () => clearTimeout(timer);
  }, [session, importId, finished, current, onChanged, pollFailures]);

  async function showRejected() {
    if (!current) return;
    const res = await authorizedFetch(session, `/contacts/imports/${current.id}/rejected`);
    // A refusal is the API's JSON error: said as such, not read as rows.
    if (!res.ok) return setError(errorOf(await res.json().catch(() => null)).error);
    setError(null);
    // The cells as the file's rows held them: the guard a spreadsheet needs (a leading ' before =) is not theirs.
    setRejectedCsv((await readFirstRows(res, REJECTED_SHOWN)).map((row) => row.map(unneutralise)));
  }

  async function downloadRejected() {
    if (!current) return;
    const res = await authorizedFetch(session, `/contacts/imports/${current.id}/rejected`);
    // A refusal is said, not saved as a .csv holding the error.
    if (!res.ok) return setError(errorOf(await res.json().catch(() => null)).error);
    setError(null);
    await download(res, `import-${current.id}-rejected.csv`);
  }

  return (
    <section className="import" aria-labelledby="import-title">
      <h1 id="import-title">{t('importTitle')}</h1>
      <form onSubmit={upload} className="panel">
        {/* Stacked: beside its label's text the file input ran past a phone's width. The browser's
            own button and "No file chosen" speak the browser's language, not the console's: the
            input is hidden behind words of ours (a click on the label still opens it). */}
        <label className="stacked file-picker">
          {t('csvFile')}
          <input ref={fileInput} type="file" className="visually-hidden" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <span aria-hidden="true"><span className="file-button">{t('chooseFile')}</span> <span data-testid="chosen-file">{file?.name ?? t('noFileChosen')}</span></span>
        </label>
        <label>
          <input type="checkbox" checked={createLabels} onChange={(e) => setCreateLabels(e.target.checked)} />
          {t('createMissingLabels')}
        </label>
        <button type="submit" className="primary" disabled={uploading || !file} aria-busy={uploading}>{t('upload')}</button>
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      {current && (
        <section className="panel" data-testid="import-status" aria-labelledby="latest-import-title">
          <h2 id="latest-import-title">{t('latestImport')}</h2>
          <p role="status">{current.file_name} · <span data-testid="import-state">{t('importStatus', { status: STATUSES.includes(current.status) ? t(`import_${current.status}` as MessageKey) : current.status })}</span></p>
          <label>
            {t('progress')}
            {/* The API's progress is the share of the file imported (to the last row committed):
                until the first rows are in it is 0, and the bar is indeterminate rather than empty. */}
            <progress
              max={1}
              value={working && current.progress === 0 ? undefined : current.progress}
              aria-valuetext={working && current.progress === 0 ? t('importWaiting') : percent(current.progress)}
            />
          </label>
          {working && (
            <p className="hint" data-testid="import-progress" aria-live="polite">
              {current.progress === 0 ? t('importWaiting') : t('importProgress', { rows: formatNumber(current.rows_read), percent: percent(current.progress) })}
            </p>
          )}
          <p data-testid="import-counts">
            {t('importCounts', {
              read: formatNumber(current.rows_read),
              created: formatNumber(current.created),
              updated: formatNumber(current.updated),
              unchanged: formatNumber(current.unchanged),
              rejected: formatNumber(current.rejected),
            })}
          </p>
          {current.ignored_columns.length > 0 && (
            <p className="hint" data-testid="import-ignored">{t('importIgnored', { columns: current.ignored_columns.join(', ') })}</p>
          )}
          {current.error && <p role="alert" className="error">{current.error}</p>}
          {finished && current.rejected > 0 && (
            <div className="actions">
              <button type="button" onClick={showRejected}>{t('rejectedRows')}</button>
              <button type="button" onClick={downloadRejected}>{t('downloadRejected')}</button>
            </div>
          )}
          {rejectedCsv && current.rejected > rejectedCsv.length - 1 && (
            <p className="hint" data-testid="rejected-shown">
              {t('rejectedShown', { shown: formatNumber(rejectedCsv.length - 1), total: formatNumber(current.rejected) })}
            </p>
          )}
          {rejectedCsv && (
            <div className="table-scroll">
              <table className="rejected" aria-label={t('rejectedRows')}>
                <thead>
                  <tr>{rejectedCsv[0]?.map((h, i) => <th key={i} scope="col">{h}</th>)}</tr>
                </thead>
                <tbody>
                  {rejectedCsv.slice(1).map((row, r) => (
                    <tr key={r}>{row.map((v, i) => <td key={i}>{v}</td>)}</tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </section>
  );
}
