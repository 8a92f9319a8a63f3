import { useEffect, useState, type FormEvent } from 'react';
import { errorOf } from '../api/client';
import { useDefinitions } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { accountPath, useSession } from '../shell/session';

interface Label {
  id: number;
  title: string;
  color: string;
}

const TYPES = ['text', 'number', 'date', 'list', 'checkbox', 'link'] as const;

/** Labels and custom attribute definitions; changing them is for administrators (the API answers 403 to agents). */
export function AdminScreen({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const admin = session.role === 'administrator';
  const [revision, setRevision] = useState(0);
  const definitions = useDefinitions(revision);
  const [labels, setLabels] = useState<Label[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [color, setColor] = useState('#1f93ff');
  const [def, setDef] = useState({ key: '', name: '', type: 'text' as (typeof TYPES)[number], values: '' });
  const path = accountPath(session);

  useEffect(() => {
    session.client.GET('/api/v1/accounts/{account_id}/labels', { params: { path: accountPath(session) } }).then(({ data }) => data && setLabels(data.payload));
  }, [session, revision]);

  const done = (failed: unknown) => {
    if (failed) return setError(errorOf(failed).error);
    setError(null);
    setRevision((n) => n + 1);
    onChanged();
  };

  async function addLabel(event: FormEvent) {
    event.preventDefault();
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/labels', { params: { path }, body: { title: title.trim(), color } });
    if (!failed) setTitle('');
    done(failed);
  }

  async function addDefinition(event: FormEvent) {
    event.preventDefault();
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/custom_attribute_definitions', {
      params: { path },
      body: {
        attribute_key: def.key.trim(),
        attribute_display_name: def.name.trim() || def.key.trim(),
        attribute_display_type: def.type,
        attribute_model: 'contact_attribute',
        ...(def.type === 'list' ? { attribute_values: def.values.split(',').map((v) => v.trim()).filter(Boolean) } : {}),
      } as never,
    });
    if (!failed) setDef({ key: '', name: '', type: 'text', values: '' });
    done(failed);
  }

  return (
    <div className="admin">
      <h1>{t('administration')}</h1>
      {!admin && <p className="muted">{t('administratorsOnly')}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <section className="panel" aria-labelledby="labels-admin-title">
        <h2 id="labels-admin-title">{t('labelsAdmin')}</h2>
        <ul className="chips">
          {labels.map((label) => (
            <li key={label.id} className="chip" style={{ borderColor: label.color }}>
              {label.title}
              {admin && (
                <button type="button" aria-label={`${t('delete')} ${label.title}`}
                  onClick={async () => done((await session.client.DELETE('/api/v1/accounts/{account_id}/labels/{id}', { params: { path: { ...path, id: label.id } } })).error)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        {admin && (
          <form onSubmit={addLabel}>
            <label>{t('title')}<input value={title} onChange={(e) => setTitle(e.target.value)} /></label>
            <label>{t('color')}<input type="color" value={color} onChange={(e) => setColor(e.target.value)} /></label>
            <button type="submit" disabled={!title.trim()}>{t('add')}</button>
          </form>
        )}
      </section>
      <section className="panel" aria-labelledby="attributes-admin-title">
        <h2 id="attributes-admin-title">{t('attributesAdmin')}</h2>
        <table>
          <thead>
            <tr><th scope="col">{t('key')}</th><th scope="col">{t('displayName')}</th><th scope="col">{t('type')}</th><th scope="col" /></tr>
          </thead>
          <tbody>
            {definitions.map((d) => (
              <tr key={d.id}>
                <td>{d.attribute_key}</td>
                <td>{d.attribute_display_name}</td>
                <td>{d.attribute_display_type}{d.attribute_values.length ? ` (${d.attribute_values.join(', ')})` : ''}</td>
                <td>
                  {admin && (
                    <button type="button" aria-label={`${t('delete')} ${d.attribute_key}`}
                      onClick={async () => done((await session.client.DELETE('/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}', { params: { path: { ...path, id: d.id } } })).error)}>
                      {t('delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {admin && (
          <form onSubmit={addDefinition}>
            <label>{t('key')}<input value={def.key} onChange={(e) => setDef({ ...def, key: e.target.value })} /></label>
            <label>{t('displayName')}<input value={def.name} onChange={(e) => setDef({ ...def, name: e.target.value })} /></label>
            <label>
              {t('type')}
              <select value={def.type} onChange={(e) => setDef({ ...def, type: e.target.value as (typeof TYPES)[number] })}>
                {TYPES.map((type) => <option key={type} value={type}>{type}</option>)}
              </select>
            </label>
            {def.type === 'list' && <label>{t('listValues')}<input value={def.values} onChange={(e) => setDef({ ...def, values: e.target.value })} /></label>}
            <button type="submit" disabled={!def.key.trim()}>{t('add')}</button>
          </form>
        )}
      </section>
    </div>
  );
}
