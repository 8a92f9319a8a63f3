import { useCallback, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { said, saidKey, type Said } from '../i18n/said';
import { escapeCancels, focusFirstControl } from '../shell/escape-cancels';
import { useFocusLater } from '../shell/focus-later';
import {
  emptyCondition,
  filterProblems,
  inputFor,
  isBlankValue,
  isGroup,
  MAX_GROUP_DEPTH,
  MAX_SUBSTRING_LENGTH,
  MIN_WILDCARD_LENGTH,
  operatorLabel,
  shownValue,
  pathOf,
  problemPathOf,
  SINGLE_VALUE_OPERATORS,
  SUBSTRING_OPERATORS,
  takesSeveralValues,
  withoutBlankValues,
  type AttributeChoice,
  type FilterCondition,
  type FilterItem,
  type FilterProblem,
  type QueryOperator,
} from './filter-model';
import { filterAttributes, useDefinitions, useLabelTitles } from './use-filter-attributes';
import { DayShown } from '../i18n/day-shown';
import { parseTypedNumber } from '../i18n/typed-number';

/** What the API answered to a filter it refused (its 422 names the item), or the screen's own words for why it was not saved. */
export type Refusal = ApiError | { inWords: MessageKey };
type Outcome = Promise<Refusal | null | void>;

/** The custom attribute a refusal says the account does not define (deleted since the builder read the definitions), if that is what it says. */
const goneAttributeOf = (error: ApiError): string | undefined => /(?:^|: )unknown attribute "(.+?)"; use one of/.exec(error.error)?.[1];

interface Props {
  initial: FilterItem[];
  /** Set when the builder edits a saved segment. */
  segmentName?: string;
  /** The API's refusal of the filter the builder opens with (a filter from a link). */
  refused?: ApiError | null;
  onApply: (items: FilterItem[]) => Outcome;
  onClear: () => void;
  onSaveAs?: (name: string, items: FilterItem[]) => Outcome;
  onUpdateSegment?: (name: string, items: FilterItem[]) => Outcome;
  onCancel: () => void;
}

/** Problems by place in the builder ("" the whole filter, "1" an item, "1.0" a condition of a group), as shown. */
type Shown = Map<string, Said>;

/**
 * Each condition is checked before the filter is sent, and the problem shown at its row; what
 * the API still refuses (422, naming payload[1].group[0]) is shown at the condition it names, and
 * the builder stays open with the filter as it was.
 */
export function FilterBuilder({ initial, segmentName, refused, onApply, onClear, onSaveAs, onUpdateSegment, onCancel }: Props) {
  const { t, say } = useI18n();
  // Read again when the API refuses a condition's attribute: deleted since the builder opened, it
  // was still offered, and the refusal was the API's own words.
  const [definitionsRevision, setDefinitionsRevision] = useState(0);
  const definitions = useDefinitions(definitionsRevision);
  const labels = useLabelTitles();
  const attributes = filterAttributes(definitions, (key) => t(key as MessageKey));
  const [items, setItems] = useState<FilterItem[]>(initial.length ? initial : [emptyCondition()]);
  const [name, setName] = useState(segmentName ?? '');
  const [naming, setNaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const attributeOf = (key: string) => attributes.find((a) => a.key === key);
  const problemsShown = (problems: Map<string, FilterProblem>): Shown => new Map([...problems].map(([at, problem]) => [at, saidKey(problem, { min: MIN_WILDCARD_LENGTH })]));
  const refusedShown = (refusal: Refusal): Shown => {
    if ('inWords' in refusal) return new Map([['', saidKey(refusal.inWords)]]);
    const at = problemPathOf(refusal.field) ?? '';
    // What the console's own check finds there is said in its words: a filter from a link (or a
    // segment) reaches the API unchecked, and a one-letter contains was refused in the API's English.
    const own = filterProblems(items, attributeOf).get(at);
    if (own) return problemsShown(new Map([[at, own]]));
    const gone = goneAttributeOf(refusal);
    const message = said((i) => (gone !== undefined ? i.t('filterAttributeGone', { key: gone }) : i.t('filterRefused', { message: refusal.error })));
    return new Map([[at, message]]);
  };
  const [shown, setShown] = useState<Shown>(() => (refused ? refusedShown(refused) : new Map()));

  // Editing a condition clears what was shown about it (and about each group around it: each level forgets its own).
  const forget = (...paths: string[]) =>
    setShown((current) => {
      if (!paths.some((p) => current.has(p)) && !current.has('')) return current;
      const next = new Map(current);
      for (const p of [...paths, '']) next.delete(p);
      return next;
    });
  // A condition or group removed goes with its button: the focus goes to its level's Add condition.
  const { root, focusLater } = useFocusLater<HTMLElement>();
  // Stable, so that it runs once, when the builder opens (not on each render, taking the focus back).
  const builderRef = useCallback(
    (section: HTMLElement | null) => {
      root.current = section;
      focusFirstControl(section);
    },
    [root],
  );
  /** Checks the filter, then hands it over; a refusal is shown where it points. */
  async function submit(send: (items: FilterItem[]) => Outcome) {
    // The value box left empty beside a condition's chips is not a value of its own.
    const sent = withoutBlankValues(items);
    setItems(sent);
    const problems = filterProblems(sent, attributeOf);
    if (problems.size) return setShown(problemsShown(problems));
    setShown(new Map());
    setBusy(true);
    try {
      const error = await send(sent);
      if (error) {
        setShown(refusedShown(error));
        if (!('inWords' in error) && goneAttributeOf(error) !== undefined) setDefinitionsRevision((n) => n + 1);
      }
    } finally {
      setBusy(false);
    }
  }
  const error = say(shown.get(''));
  // Saving the named segment, new or edited: its button, or Enter in its name (a new one once
  // "Save as segment" was chosen, also beside a segment being edited: a copy, or one deleted meanwhile).
  const saveAsNew = () => onSaveAs && submit((sent) => onSaveAs(name.trim(), sent));
  const update = () => onUpdateSegment && submit((sent) => onUpdateSegment(name.trim(), sent));
  const saveSegment = () => (naming ? saveAsNew() : update());

  return (
    <section className="filter-builder" ref={builderRef} aria-labelledby="filter-title" onKeyDown={escapeCancels(onCancel)}>
      <h2 id="filter-title">{segmentName !== undefined ? t('editSegment') : t('filterTitle')}</h2>
      <ItemList items={items} at="" depth={0} attributes={attributes} labels={labels} shown={shown} forget={forget}
        onChange={(next) => setItems(next)}
        onRemoved={(addAt) => {
          // Removing an item moves the ones after it: what was shown no longer points at the right row.
          focusLater(`[data-focus="${addAt}"]`);
          setShown(new Map());
        }} />
      <div className="actions">
        <button type="button" data-focus="add-condition" onClick={() => { forget(); setItems([...items, emptyCondition()]); }}>{t('addCondition')}</button>
        <button type="button" onClick={() => { forget(); setItems([...items, { group: [emptyCondition()], query_operator: 'and' }]); }}>{t('addGroup')}</button>
      </div>
      {error && <p role="alert" className="error" data-testid="filter-problem">{error}</p>}
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => submit((sent) => onApply(sent))}>{t('apply')}</button>
        <button type="button" onClick={() => { setItems([emptyCondition()]); onClear(); }}>{t('clearFilter')}</button>
        {onSaveAs && !naming && (
          <button type="button" onClick={() => { setNaming(true); focusLater('#segment-name'); }}>{t('saveAsSegment')}</button>
        )}
        {(naming || onUpdateSegment) && (
          <label>
            {t('segmentName')}
            {/* Named right after "Save as segment", which it replaces: the focus used to fall to the page's body. */}
            <input id="segment-name" dir="auto" value={name} autoFocus={naming} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => {
              if (e.key !== 'Enter' || busy || !name.trim()) return;
              e.preventDefault();
              void saveSegment();
            }} />
          </label>
        )}
        {naming && onSaveAs && (
          <button type="button" className="primary" disabled={busy || !name.trim()} onClick={saveAsNew}>{t('save')}</button>
        )}
        {onUpdateSegment && !naming && (
          <button type="button" className="primary" disabled={busy || !name.trim()} onClick={update}>{t('updateSegment')}</button>
        )}
        <button type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </section>
  );
}

/**
 * One level of the filter: its conditions and groups, each joined to the next. A group holds a
 * level of its own, so groups nest as the API takes them (SPEC §3.1), and a group is offered
 * inside a group down to the API's depth. `at` is the level's place ("" the filter, "1.0" a group
 * inside the second item), which names what is shown about each item.
 */
function ItemList({ items, at, depth, attributes, labels, shown, forget, onChange, onRemoved }: {
  items: FilterItem[];
  at: string;
  /** How many groups this level is inside. */
  depth: number;
  attributes: AttributeChoice[];
  labels: string[];
  shown: Shown;
  forget: (...paths: string[]) => void;
  onChange: (items: FilterItem[]) => void;
  /** An item removed takes its button with it: the focus goes to the Add condition named. */
  onRemoved: (addCondition: string) => void;
}) {
  const { t, say } = useI18n();
  const setItem = (index: number, item: FilterItem) => {
    forget(pathOf(at, index));
    onChange(items.map((it, i) => (i === index ? item : it)));
  };
  const removeItem = (index: number) => {
    onRemoved(at ? `add-condition-${at}` : 'add-condition');
    onChange(items.filter((_, i) => i !== index));
  };
  return (
    <ol className="conditions">
      {items.map((item, index) => {
        const path = pathOf(at, index);
        return (
          <li key={index}>
            {isGroup(item) ? (
              <fieldset className="group" aria-invalid={shown.has(path) || undefined}>
                <legend>{t('group')}</legend>
                {shown.has(path) && <p className="field-error" role="alert" data-testid="filter-problem">{say(shown.get(path))}</p>}
                <ItemList items={item.group} at={path} depth={depth + 1} attributes={attributes} labels={labels} shown={shown} forget={forget}
                  onChange={(group) => setItem(index, { ...item, group })} onRemoved={onRemoved} />
                <button type="button" data-focus={`add-condition-${path}`} onClick={() => setItem(index, { ...item, group: [...item.group, emptyCondition()] })}>
                  {t('addCondition')}
                </button>
                {depth + 1 < MAX_GROUP_DEPTH && (
                  <button type="button" onClick={() => setItem(index, { ...item, group: [...item.group, { group: [emptyCondition()], query_operator: 'and' }] })}>
                    {t('addGroup')}
                  </button>
                )}
                <button type="button" onClick={() => removeItem(index)}>{t('removeGroup')}</button>
              </fieldset>
            ) : (
              <ConditionRow condition={item} attributes={attributes} labels={labels} problem={say(shown.get(path)) || undefined} onChange={(next) => setItem(index, next)} onRemove={() => removeItem(index)} />
            )}
            {index < items.length - 1 && <JoinSelect value={item.query_operator ?? 'and'} onChange={(op) => setItem(index, { ...item, query_operator: op })} />}
          </li>
        );
      })}
    </ol>
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

function ConditionRow({ condition, attributes, labels, problem, onChange, onRemove }: {
  condition: FilterCondition;
  attributes: AttributeChoice[];
  labels: string[];
  /** What is wrong with this condition, shown at it. */
  problem?: string;
  onChange: (condition: FilterCondition) => void;
  onRemove: () => void;
}) {
  const { t, language } = useI18n();
  const id = useId();
  const problemId = `${id}-problem`;
  // The value input carries the problem when there is one; otherwise the row does.
  const invalid = problem ? { 'aria-invalid': true, 'aria-describedby': problemId } : {};
  // An attribute the console does not know (a definition deleted since the segment was saved, or
  // the definitions not read yet) is shown as itself, not as the first attribute in its place,
  // which made "plan is pro" look like "Name is pro".
  const known = attributes.find((a) => a.key === condition.attribute_key);
  const attribute: AttributeChoice = known ?? {
    key: condition.attribute_key,
    label: t('attributeNotDefined', { key: condition.attribute_key }),
    custom: true,
    operators: [condition.filter_operator],
    input: condition.filter_operator === 'is_present' || condition.filter_operator === 'is_not_present' ? 'none' : 'text',
  };
  const choices = known ? attributes : [...attributes, attribute];
  const input = inputFor(attribute, condition.filter_operator);
  const value = condition.values[0];

  function changeAttribute(key: string) {
    const next = attributes.find((a) => a.key === key) ?? attributes[0];
    // A list attribute is chosen for its values: it starts on its first operator (equal to) rather
    // than keep a "contains" from the attribute before, which would type a part of a value instead.
    const keeps = next.operators.includes(condition.filter_operator) && !(next.input === 'list' && inputFor(next, condition.filter_operator) === 'text');
    const operator = keeps ? condition.filter_operator : next.operators[0];
    onChange({ ...condition, attribute_key: key, filter_operator: operator, values: defaultValues(next, operator) });
  }
  function changeOperator(operator: string) {
    // The values stay when the input stays the same; an operator that takes one value keeps the first.
    const first = condition.values.find((v) => !isBlankValue(v)) ?? condition.values[0];
    const same = inputFor(attribute, operator) === input;
    const kept = !same ? defaultValues(attribute, operator) : SINGLE_VALUE_OPERATORS.includes(operator) ? (first === undefined ? [] : [first]) : condition.values;
    onChange({ ...condition, filter_operator: operator, values: kept });
  }
  // The box edits the first value; the others ("any of" for is, "none of" for is not) are chips
  // beside it. "Add another value" (or Enter in the box) makes the box's value a chip and empties
  // the box for the next one; a filter made through the API with several values shows them so.
  const valueInput = useRef<HTMLInputElement & HTMLSelectElement>(null);
  // A number box shows what was typed (7,5) while that is its value; a value set otherwise (an
  // operator's default, the box emptied for the next value) shows as itself.
  const [numberDraft, setNumberDraft] = useState<string | null>(null);
  const numberShown = numberDraft !== null && parseTypedNumber(numberDraft, language) === value ? numberDraft : shownValue(value, language);
  const setValue = (v: string | number | boolean) => onChange({ ...condition, values: [v, ...condition.values.slice(1)] });
  const moreValues = input === 'none' ? [] : condition.values.slice(1);
  const several = takesSeveralValues(condition.filter_operator) && input !== 'none' && input !== 'boolean';
  function addValue() {
    if (isBlankValue(value)) return valueInput.current?.focus();
    const others = condition.values.slice(1).filter((v) => v !== value);
    onChange({ ...condition, values: ['', ...others, value] });
    valueInput.current?.focus();
  }
  function removeValue(index: number) {
    onChange({ ...condition, values: condition.values.filter((_, i) => i !== index) });
    // The chip's button is gone with it: the focus goes to the value box, not to the page.
    valueInput.current?.focus();
  }
  const addOnEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (several && e.key === 'Enter') {
      e.preventDefault();
      addValue();
    }
  };

  return (
    <div className={problem ? 'condition invalid' : 'condition'} role="group" aria-label={attribute.label} data-invalid={problem ? 'true' : undefined}>
      <label>
        <span className="visually-hidden">{t('attribute')}</span>
        <select aria-label={t('attribute')} value={attribute.key} onChange={(e) => changeAttribute(e.target.value)}>
          {choices.map((a) => (
            <option key={a.key} value={a.key}>{a.label}</option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">{t('operator')}</span>
        <select aria-label={t('operator')} value={condition.filter_operator} onChange={(e) => changeOperator(e.target.value)}>
          {attribute.operators.map((op) => (
            <option key={op} value={op}>{operatorLabel(op, attribute.input, language)}</option>
          ))}
        </select>
      </label>
      {input !== 'none' && (
        <label htmlFor={id}>
          <span className="visually-hidden">{t('value')}</span>
          {input === 'text' && <input id={id} dir="auto" ref={valueInput} onKeyDown={addOnEnter} aria-label={t('value')} {...invalid} value={String(value ?? '')} onChange={(e) => setValue(e.target.value)}
            maxLength={SUBSTRING_OPERATORS.includes(condition.filter_operator) ? MAX_SUBSTRING_LENGTH : undefined} />}
          {input === 'number' && (
            <input id={id} ref={valueInput} onKeyDown={addOnEnter} aria-label={t('value')} {...invalid} type="text" inputMode="decimal" value={numberShown}
              onChange={(e) => { setNumberDraft(e.target.value); setValue(parseTypedNumber(e.target.value, language)); }} />
          )}
          {input === 'date' && (
            <>
              <input id={id} ref={valueInput} onKeyDown={addOnEnter} aria-label={t('value')} {...invalid} type="date" value={String(value ?? '')} onChange={(e) => setValue(e.target.value)} />
              <DayShown day={String(value ?? '')} />
            </>
          )}
          {input === 'boolean' && (
            <select id={id} aria-label={t('value')} value={String(value ?? true)} onChange={(e) => setValue(e.target.value === 'true')}>
              <option value="true">{t('true')}</option>
              <option value="false">{t('false')}</option>
            </select>
          )}
          {(input === 'list' || input === 'labels') && (
            <select id={id} ref={valueInput} aria-label={t('value')} {...invalid} value={String(value ?? '')} onChange={(e) => setValue(e.target.value)}>
              <option value="">—</option>
              {(input === 'labels' ? labels : attribute.values ?? []).map((v) => (
                <option key={v} value={v}>{v}</option>
              ))}
              {/* A value no longer offered (a label deleted, a list's values edited) is shown as held, not as "—". */}
              {!isBlankValue(value) && !(input === 'labels' ? labels : attribute.values ?? []).includes(String(value)) && <option value={String(value)}>{String(value)}</option>}
            </select>
          )}
        </label>
      )}
      {several && (
        <button type="button" onClick={addValue}>{t('addValue')}</button>
      )}
      {moreValues.length > 0 && (
        <span className="more-values" data-testid="more-values">
          <span data-testid="values-join">{condition.filter_operator === 'not_equal_to' ? t('valuesNor') : t('valuesOr')}</span>
          <ul className="chips">
            {moreValues.map((v, i) => (
              <li key={`${i}-${String(v)}`} className="chip">
                <span data-testid="value-chip">{shownValue(v, language)}</span>
                <button type="button" className="chip-remove" aria-label={t('removeValue', { value: shownValue(v, language) })} title={t('removeValue', { value: shownValue(v, language) })} onClick={() => removeValue(i + 1)}>×</button>
              </li>
            ))}
          </ul>
        </span>
      )}
      <button type="button" aria-label={t('removeCondition')} title={t('removeCondition')} onClick={onRemove}>×</button>
      {problem && <span id={problemId} className="field-error" role="alert" data-testid="filter-problem">{problem}</span>}
    </div>
  );
}

function defaultValues(attribute: AttributeChoice, operator: string): (string | number | boolean)[] {
  const input = inputFor(attribute, operator);
  if (input === 'none') return [];
  if (input === 'boolean') return [true];
  // Empty, flagged until a number is typed: a 0 put there ran as "= 0" when left untouched.
  if (input === 'number') return operator === 'days_before' ? [30] : [''];
  // A list starts on "—", flagged until a value is chosen, as labels do: its first value put there
  // ran as "= free" when left untouched (a black-box read of 2026-12-05).
  return [''];
}
