import { useEffect, useState } from 'react';
import { accountPath, useSession } from '../shell/session';
import { CUSTOM_FILTER_TYPES, STANDARD_FILTER_ATTRIBUTES, type AttributeChoice } from './filter-model';

export interface CustomAttributeDefinition {
  id: number;
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: string;
  attribute_values: string[];
  attribute_description: string | null;
}

/** The account's custom attribute definitions (GET /custom_attribute_definitions). */
export function useDefinitions(revision = 0): CustomAttributeDefinition[] {
  const session = useSession();
  const [definitions, setDefinitions] = useState<CustomAttributeDefinition[]>([]);
  useEffect(() => {
    let live = true;
    session.client
      .GET('/api/v1/accounts/{account_id}/custom_attribute_definitions', { params: { path: accountPath(session) } })
      .then(({ data }) => live && data && setDefinitions(data as CustomAttributeDefinition[]));
    return () => {
      live = false;
    };
  }, [session, revision]);
  return definitions;
}

/** The account's label titles. */
export function useLabelTitles(revision = 0): string[] {
  const session = useSession();
  const [titles, setTitles] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    session.client
      .GET('/api/v1/accounts/{account_id}/labels', { params: { path: accountPath(session) } })
      .then(({ data }) => live && data && setTitles(data.payload.map((l) => l.title)));
    return () => {
      live = false;
    };
  }, [session, revision]);
  return titles;
}

/** Standard attributes, then the account's custom ones, each with its operators and value input. */
export function filterAttributes(definitions: CustomAttributeDefinition[], labelOf: (key: string) => string): AttributeChoice[] {
  return [
    ...STANDARD_FILTER_ATTRIBUTES.map((a) => ({ ...a, label: labelOf(a.key), custom: false })),
    ...definitions
      .filter((d) => CUSTOM_FILTER_TYPES[d.attribute_display_type])
      .map((d) => ({
        key: d.attribute_key,
        label: d.attribute_display_name || d.attribute_key,
        custom: true,
        ...CUSTOM_FILTER_TYPES[d.attribute_display_type],
        values: d.attribute_values,
      })),
  ];
}
