import { renameLabelInFilter } from '../../src/segments/rename-label-in-filter';

describe('a label renamed in a stored filter', () => {
  it('when labels conditions name the old title (any case, as text or as {id, name}, in a group), then they name the new one; the rest is kept', () => {
    const payload = [
      { attribute_key: 'labels', filter_operator: 'equal_to', values: ['VIP', 'lead'], query_operator: 'or' },
      { group: [{ attribute_key: 'labels', filter_operator: 'not_equal_to', values: [{ id: 'vip', name: 'vip' }] }, { attribute_key: 'city', filter_operator: 'equal_to', values: ['vip'] }] },
    ];
    expect(renameLabelInFilter(payload, 'vip', 'gold')).toEqual([
      { attribute_key: 'labels', filter_operator: 'equal_to', values: ['gold', 'lead'], query_operator: 'or' },
      { group: [{ attribute_key: 'labels', filter_operator: 'not_equal_to', values: [{ id: 'gold', name: 'gold' }] }, { attribute_key: 'city', filter_operator: 'equal_to', values: ['vip'] }] },
    ]);
  });

  // Both kept the old title: such a segment found none of the label's contacts (not_equal_to: all of them).
  it('when a labels condition names the old title as one value alone, as text or as the dashboard\'s single choice {id, name}, then it names the new one, alone', () => {
    const payload = [
      { attribute_key: 'labels', filter_operator: 'equal_to', values: 'Vip', query_operator: 'and' },
      { attribute_key: 'labels', filter_operator: 'not_equal_to', values: { id: 'vip', name: 'vip' } },
    ];
    expect(renameLabelInFilter(payload, 'vip', 'gold')).toEqual([
      { attribute_key: 'labels', filter_operator: 'equal_to', values: 'gold', query_operator: 'and' },
      { attribute_key: 'labels', filter_operator: 'not_equal_to', values: { id: 'gold', name: 'gold' } },
    ]);
    const other = [{ attribute_key: 'labels', filter_operator: 'equal_to', values: 'lead' }];
    expect(renameLabelInFilter(other, 'vip', 'gold')).toBe(other);
  });

  it('when no labels condition names the old title, then the very same payload comes back (nothing to write)', () => {
    const payload = [{ attribute_key: 'labels', filter_operator: 'equal_to', values: ['lead'] }, { attribute_key: 'name', filter_operator: 'contains', values: ['vip'] }];
    expect(renameLabelInFilter(payload, 'vip', 'gold')).toBe(payload);
    expect(renameLabelInFilter({ not: 'a list' }, 'vip', 'gold')).toEqual({ not: 'a list' });
  });
});
