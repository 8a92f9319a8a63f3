import { useEffect, useMemo, useState } from 'react';
import { errorOf } from '../api/client';
import { accountPath, useSession } from '../shell/session';
import { CUSTOM_FILTER_TYPES, STANDARD_FILTER_ATTRIBUTES, type AttributeChoice } from './filter-model';

export interface CustomAttributeDefinition {
  id: number;
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: string;
  attribute_values: string[];
  attribute_description: string | null;
  /** Its holders are still being brought into the search index: filters find those indexed so far. */
  indexing?: boolean;
}

/**
 * The account's custom attribute definitions (GET /custom_attribute_definitions), and why they
 * could not be read when they could not (a screen that shows them says so, instead of showing none).
 */
export function useDefinitionsRead(revision = 0): { definitions: CustomAttributeDefinition[]; error: string | null } {
  const session = useSession();
  const [read, setRead] = useState<{ definitions: CustomAttributeDefinition[]; error: string | null }>({ definitions: [], error: null });
  useEffect(() => {
    let live = true;
    session.client
      .GET('/api/v1/accounts/{account_id}/custom_attribute_definitions', { params: { path: accountPath(session) } })
      .then(({ data, error }) => live && setRead((r) => (data ? { definitions: data as CustomAttributeDefinition[], error: null } : { ...r, error: errorOf(error).error })));
    return () => {
      live = false;
    };
  }, [session, revision]);
  return read;
}

/** The account's custom attribute definitions (none while they load or when they cannot be read). */
export function useDefinitions(revision = 0): CustomAttributeDefinition[] {
  return useDefinitionsRead(revision).definitions;
}

/** A label as the API answers it (GET /labels). */
export interface AccountLabel {
  id: number;
  title: string;
  color: string;
  description: string | null;
}

/** The account's labels (GET /labels), and why they could not be read when they could not. */
export function useLabelsRead(revision = 0): { labels: AccountLabel[]; error: string | null } {
  const session = useSession();
  const [read, setRead] = useState<{ labels: AccountLabel[]; error: string | null }>({ labels: [], error: null });
  useEffect(() => {
    let live = true;
    session.client
      .GET('/api/v1/accounts/{account_id}/labels', { params: { path: accountPath(session) } })
      .then(({ data, error }) => live && setRead((r) => (data ? { labels: data.payload as AccountLabel[], error: null } : { ...r, error: errorOf(error).error })));
    return () => {
      live = false;
    };
  }, [session, revision]);
  return read;
}

/** The account's label titles (suggestions: none while they load or when they cannot be read). */
export function useLabelTitles(revision = 0): string[] {
  const { labels } = useLabelsRead(revision);
  return useMemo(() => labels.map((l) => l.title), [labels]);
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
