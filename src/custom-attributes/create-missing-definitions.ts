import type { IdAllocator } from '../shared/id-allocator';
import type { AttributeType, CustomAttributeDefinition, CustomAttributeDefinitionModel } from './custom-attribute-definition.model';

const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === 11000;

/**
 * Gives each key that has no definition in the account one, of the given type, in the next
 * free slot of that type (highest slot of the type in the account + 1). Answers the account's
 * definitions of all the keys, existing or new. A key defined meanwhile by another writer
 * (unique account_id + attribute_key) is read back instead.
 */
export async function createMissingDefinitions(
  deps: { definitions: CustomAttributeDefinitionModel; nextIds: IdAllocator },
  accountId: number,
  wanted: { key: string; type: AttributeType }[],
): Promise<CustomAttributeDefinition[]> {
  const { definitions, nextIds } = deps;
  const keys = wanted.map((w) => w.key);
  const existing = await definitions.find({ account_id: accountId, attribute_key: { $in: keys } }).lean();
  const known = new Set(existing.map((d) => d.attribute_key));
  const result: CustomAttributeDefinition[] = [...existing];

  for (const { key, type } of wanted) {
    if (known.has(key)) continue;
    const [top] = await definitions.find({ account_id: accountId, attribute_display_type: type }).sort({ slot: -1 }).limit(1).lean();
    const [id] = await nextIds('custom_attribute_definitions');
    const now = new Date();
    const doc: CustomAttributeDefinition = {
      _id: id,
      account_id: accountId,
      attribute_key: key,
      attribute_display_name: key,
      attribute_display_type: type,
      attribute_description: null,
      attribute_values: [],
      attribute_model: 'contact_attribute',
      slot: (top?.slot ?? 0) + 1,
      created_at: now,
      updated_at: now,
    };
    try {
      await definitions.create(doc);
      result.push(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const raced = await definitions.findOne({ account_id: accountId, attribute_key: key }).lean();
      if (raced) result.push(raced);
    }
    known.add(key);
  }
  return result;
}
