import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import {
  emptyCondition,
  inputFor,
  isGroup,
  OPERATOR_LABELS,
  type AttributeChoice,
  type FilterCondition,
  type FilterItem,
  type QueryOperator,
} from './filter-model';
import { filterAttributes, useDefinitions, useLabelTitles } from './use-filter-attributes';

interface Props {
  initial: FilterItem[];
  /** Set when the builder edits a saved segment. */
  segmentName?: string;
  error?: string | null;
  onApply: (items: FilterItem[]) => void;
  onClear: () => void;
  onSaveAs?: (name: string, items: FilterItem[]) => void;
  onUpdateSegment?: (name: string, items: FilterItem[]) => void;
  onCancel: () => void;
}

export function FilterBuilder({ initial, segmentName, error, onApply, onClear, onSaveAs, onUpdateSegment, onCancel }: Props) {
  const { t } = useI18n();
  const definitions = useDefinitions();
  const labels = useLabelTitles();
  const attributes = filterAttributes(definitions, (key) => t(key as MessageKey));
  const [items, setItems] = useState<FilterItem[]>(initial.length ? initial : [emptyCondition()]);
  const [name, setName] = useState(segmentName ?? '');
  const [naming, setNaming] = useState(false);

  const setItem = (index: number, item: FilterItem) => setItems(items.map((it, i) => (i === index ? item : it)));
  const removeItem = (index: number) => setItems(items.filter((_, i) => i !== index));

  return (
    // Escape closes the builder, as its Cancel does.
    <section className="filter-builder" aria-labelledby="filter-title" onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); onCancel(); } }}>
      <h2 id="filter-title">{segmentName !== undefined ? t('editSegment') : t('filterTitle')}</h2>
      <ol className="conditions">
        {items.map((item, index) => (
          <li key={index}>
            {isGroup(item) ? (
              <fieldset className="group">
                <legend>{t('group')}</legend>
                <ol className="conditions">
                  {item.group.map((condition, ci) => (
                    <li key={ci}>
                      <ConditionRow
                        condition={condition}
                        attributes={attributes}
                        labels={labels}
                        onChange={(next) => setItem(index, { ...item, group: item.group.map((c, j) => (j === ci ? next : c)) })}
                        onRemove={() => setItem(index, { ...item, group: item.group.filter((_, j) => j !== ci) })}
                      />
                      {ci < item.group.length - 1 && (
                        <JoinSelect
                          value={condition.query_operator ?? 'and'}
                          onChange={(op) => setItem(index, { ...item, group: item.group.map((c, j) => (j === ci ? { ...c, query_operator: op } : c)) })}
                        />
                      )}
                    </li>
                  ))}
                </ol>
                <button type="button" onClick={() => setItem(index, { ...item, group: [...item.group, emptyCondition()] })}>
                  {t('addCondition')}
                </button>
                <button type="button" onClick={() => removeItem(index)}>{t('removeGroup')}</button>
              </fieldset>
            ) : (
              <ConditionRow condition={item} attributes={attributes} labels={labels} onChange={(next) => setItem(index, next)} onRemove={() => removeItem(index)} />
            )}
            {index < items.length - 1 && <JoinSelect value={item.query_operator ?? 'and'} onChange={(op) => setItem(index, { ...item, query_operator: op })} />}
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" onClick={() => setItems([...items, emptyCondition()])}>{t('addCondition')}</button>
        <button type="button" onClick={() => setItems([...items, { group: [emptyCondition()], query_operator: 'and' }])}>{t('addGroup')}</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={() => onApply(items)}>{t('apply')}</button>
        <button type="button" onClick={() => { setItems([emptyCondition()]); onClear(); }}>{t('clear')}</button>
        {onSaveAs && !naming && <button type="button" onClick={() => setNaming(true)}>{t('saveAsSegment')}</button>}
        {(naming || onUpdateSegment) && (
          <label>
            {t('segmentName')}
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        {naming && onSaveAs && (
          <button type="button" className="primary" disabled={!name.trim()} onClick={() => onSaveAs(name.trim(), items)}>{t('save')}</button>
        )}
        {onUpdateSegment && (
          <button type="button" className="primary" disabled={!name.trim()} onClick={() => onUpdateSegment(name.trim(), items)}>{t('updateSegment')}</button>
        )}
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </section>
  );
}

function JoinSelect({ value, onChange }: { value: QueryOperator; onChange: (op: QueryOperator) => void }) {
  const { t } = useI18n();
  return (
    <label className="join">
      <span className="visually-hidden">{t('joinWithNext')}</span>
      <select aria-label={t('joinWithNext')} value={value} onChange={(e) => onChange(e.target.value as QueryOperator)}>
        <option value="and">{t('and')}</option>
        <option value="or">{t('or')}</option>
      </select>
    </label>
  );
}

function ConditionRow({ condition, attributes, labels, onChange, onRemove }: {
  condition: FilterCondition;
  attributes: AttributeChoice[];
  labels: string[];
  onChange: (condition: FilterCondition) => void;
  onRemove: () => void;
}) {
  const { t, language } = useI18n();
  const id = useId();
  const attribute = attributes.find((a) => a.key === condition.attribute_key) ?? attributes[0];
  const input = inputFor(attribute, condition.filter_operator);
  const value = condition.values[0];

  function changeAttribute(key: string) {
    const next = attributes.find((a) => a.key === key) ?? attributes[0];
    const operator = next.operators.includes(condition.filter_operator) ? condition.filter_operator : next.operators[0];
    onChange({ ...condition, attribute_key: key, filter_operator: operator, values: defaultValues(next, operator) });
  }
  function changeOperator(operator: string) {
    const kept = inputFor(attribute, operator) === input ? condition.values : defaultValues(attribute, operator);
    onChange({ ...condition, filter_operator: operator, values: kept });
  }
  const setValue = (v: string | number | boolean) => onChange({ ...condition, values: [v] });

  return (
    <div className="condition" role="group" aria-label={attribute.label}>
      <label>
        <span className="visually-hidden">{t('attribute')}</span>
        <select aria-label={t('attribute')} value={attribute.key} onChange={(e) => changeAttribute(e.target.value)}>
          {attributes.map((a) => (
            <option key={a.key} value={a.key}>{a.label}</option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">{t('operator')}</span>
        <select aria-label={t('operator')} value={condition.filter_operator} onChange={(e) => changeOperator(e.target.value)}>
          {attribute.operators.map((op) => (
            <option key={op} value={op}>{OPERATOR_LABELS[op]?.[language] ?? op}</option>
          ))}
        </select>
      </label>
      {input !== 'none' && (
        <label htmlFor={id}>
          <span className="visually-hidden">{t('value')}</span>
          {input === 'text' && <input id={id} aria-label={t('value')} value={String(value ?? '')} onChange={(e) => setValue(e.target.value)} />}
          {input === 'number' && (
            <input id={id} aria-label={t('value')} type="number" value={String(value ?? '')} onChange={(e) => setValue(e.target.value === '' ? '' : Number(e.target.value))} />
          )}
          {input === 'date' && <input id={id} aria-label={t('value')} type="date" value={String(value ?? '')} onChange={(e) => setValue(e.target.value)} />}
          {input === 'boolean' && (
            <select id={id} aria-label={t('value')} value={String(value ?? true)} onChange={(e) => setValue(e.target.value === 'true')}>
              <option value="true">{t('true')}</option>
              <option value="false">{t('false')}</option>
            </select>
          )}
          {(input === 'list' || input === 'labels') && (
            <select id={id} aria-label={t('value')} value={String(value ?? '')} onChange={(e) => setValue(e.target.value)}>
              <option value="">—</option>
              {(input === 'labels' ? labels : attribute.values ?? []).map((v) => (
                <option key={v} value={v}>{v}</option>
              ))}
            </select>
          )}
        </label>
      )}
      <button type="button" aria-label={t('removeCondition')} title={t('removeCondition')} onClick={onRemove}>×</button>
    </div>
  );
}

function defaultValues(attribute: AttributeChoice, operator: string): (string | number | boolean)[] {
  const input = inputFor(attribute, operator);
  if (input === 'none') return [];
  if (input === 'boolean') return [true];
  if (input === 'number') return [operator === 'days_before' ? 30 : 0];
  if (input === 'list') return [attribute.values?.[0] ?? ''];
  return [''];
}
