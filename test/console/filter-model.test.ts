import { CUSTOM_FILTER_TYPES, STANDARD_FILTER_ATTRIBUTES, toPayload, type FilterItem } from '../../console/src/filters/filter-model';
import { ATTRIBUTE_TYPES } from '../../src/records/custom-attribute-definition.model';
import { buildSegmentQuery, STANDARD_ATTRIBUTES } from '../../src/search/build-segment-query';

// The console offers only the operators the API allows; its table is a copy (the console uses
// the public API only), so this keeps the two equal.
describe("the console's filter table", () => {
  it('when the standard attributes are compared with the API allowlist, then they offer exactly the same attributes and operators', () => {
    const offered = Object.fromEntries(STANDARD_FILTER_ATTRIBUTES.map((a) => [a.key, [...a.operators].sort()]));
    const api = Object.fromEntries(Object.entries(STANDARD_ATTRIBUTES).map(([key, rule]) => [key, [...rule.operators].sort()]));
    expect(offered).toEqual(api);
  });

  it('when every custom attribute type is compared, then the console knows each one with its operators', () => {
    expect(Object.keys(CUSTOM_FILTER_TYPES).sort()).toEqual([...ATTRIBUTE_TYPES].sort());
  });

  it('when a filter with a group is turned into a payload, then the last item of each level carries no query_operator and the API compiles it', () => {
    const items: FilterItem[] = [
      { attribute_key: 'city', filter_operator: 'equal_to', values: ['Lima'], query_operator: 'or' },
      {
        group: [
          { attribute_key: 'city', filter_operator: 'equal_to', values: ['Quito'], query_operator: 'and' },
          { attribute_key: 'labels', filter_operator: 'equal_to', values: ['vip'], query_operator: 'and' },
        ],
        query_operator: 'and',
      },
    ];
    const payload = toPayload(items);
    expect(payload[1]).toEqual({
      group: [
        { attribute_key: 'city', filter_operator: 'equal_to', values: ['Quito'], query_operator: 'and' },
        { attribute_key: 'labels', filter_operator: 'equal_to', values: ['vip'] },
      ],
    });
    expect(payload[0]).toMatchObject({ query_operator: 'or' });
    expect(() => buildSegmentQuery(payload, [])).not.toThrow();
  });
});
