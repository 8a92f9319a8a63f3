import { foldText } from '../shared/text';
import { SOCIAL_NETWORKS, type Contact, type SocialNetwork } from '../records/contact.model';
import { toContactPayload, type ContactPayload } from '../records/contact.presenter';
import { searchFieldOf, toIndexValue, type DefinitionRef } from '../records/custom-attribute-fields';
import { searchSuffixes } from './substring-terms';
import { textSortKey } from './text-sort-key';

/** additional_attributes.social_profiles, folded: social_twitter … (Chatwoot's networks, a fixed set). */
type SocialFields = Partial<Record<`social_${SocialNetwork}`, string>>;

/** What the search index holds for one contact: folded fields to filter and sort on, and the payload lists return. */
export interface ContactSearchDoc extends SocialFields {
  account_id: string;
  id: number;
  name?: string;
  email?: string;
  /** The email's sort key (text-sort-key.ts): a page sorted by email is sorted by it first. */
  email_sort?: number;
  phone_number?: string;
  phone_sort?: number;
  identifier?: string;
  company_name?: string;
  city?: string;
  country?: string;
  country_code?: string;
  blocked: boolean;
  labels: string[];
  /** The custom attribute keys the contact holds a value for, defined or not (to find holders of a key). */
  custom_keys: string[];
  created_at: number;
  last_activity_at?: number;
  last_seen_at?: number;
  updated_at: number;
  /** Tagged suffixes of the text fields: substring matching as a prefix query (see substring-terms.ts). */
  search_suffixes: string[];
  payload: ContactPayload;
  /** Custom attributes, in the account's slots (cf_text_3, cf_num_1 …). */
  [customField: `cf_${string}`]: string | number | boolean;
}


// Accent and case folding happens here, not in an analyzer: the Elasticsearch distribution
// available on these machines has no analysis-common module (no asciifolding filter), and a
// keyword of folded text sorts and compares the same way on every distribution.
function folded(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = foldText(value.trim());
  return text.length ? text : undefined;
}

/** `definitions`: the contact's account's custom attribute definitions (the slots its values go to). */
export function toContactSearchDoc(contact: Contact, definitions: DefinitionRef[] = []): ContactSearchDoc {
  const extra = contact.additional_attributes ?? {};
  const countryCode = typeof extra.country_code === 'string' && extra.country_code.trim() ? extra.country_code.trim().toUpperCase() : undefined;
  const name = folded(contact.name);
  const email = folded(contact.email);
  const identifier = folded(contact.identifier);
  const doc: ContactSearchDoc = {
    account_id: String(contact.account_id),
    id: Number(contact._id),
    name,
    email,
    email_sort: email === undefined ? undefined : textSortKey(email),
    phone_number: contact.phone_number ?? undefined,
    phone_sort: contact.phone_number ? Number(contact.phone_number.slice(1)) : undefined,
    identifier,
    company_name: folded(extra.company_name),
    city: folded(extra.city),
    country: folded(extra.country),
    country_code: countryCode,
    blocked: contact.blocked,
    labels: contact.labels ?? [],
    custom_keys: Object.entries(contact.custom_attributes ?? {}).filter(([, v]) => v !== null && v !== undefined).map(([k]) => k),
    created_at: contact.created_at.getTime(),
    last_activity_at: contact.last_activity_at?.getTime(),
    last_seen_at: contact.last_seen_at?.getTime(),
    updated_at: contact.updated_at.getTime(),
    search_suffixes: [],
    payload: toContactPayload(contact),
  };
  doc.search_suffixes = searchSuffixes({
    name,
    email,
    phone_number: doc.phone_number,
    identifier,
  });
  const profiles = extra.social_profiles;
  if (profiles && typeof profiles === 'object') {
    for (const network of SOCIAL_NETWORKS) doc[`social_${network}`] = folded((profiles as Record<string, unknown>)[network]);
  }
  const custom = contact.custom_attributes ?? {};
  for (const def of definitions) {
    const value = toIndexValue(def, custom[def.attribute_key]);
    if (value !== undefined) doc[searchFieldOf(def) as `cf_${string}`] = value;
  }
  return doc;
}
