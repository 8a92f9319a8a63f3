import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { describeFilter, type FilterItem } from './filter-model';
import { filterAttributes, useDefinitions } from './use-filter-attributes';

/**
 * The conditions of the filter a list shows, in words: once applied the builder closed, the list
 * said only "Filtered contacts", and its conditions could be read only by opening the builder
 * again (a black-box audit in Chromium).
 */
export function FilterSummary({ items }: { items: FilterItem[] }) {
  const { t, language } = useI18n();
  const definitions = useDefinitions();
  const attributes = filterAttributes(definitions, (key) => t(key as MessageKey));
  const conditions = describeFilter(items, (key) => attributes.find((a) => a.key === key), {
    language,
    and: t('and'),
    or: t('or'),
    yes: t('true'),
    no: t('false'),
    daysAgo: (n) => t('daysAgo', { n }),
  });
  return <p className="filter-summary" data-testid="filter-summary">{t('filterShows', { conditions })}</p>;
}
