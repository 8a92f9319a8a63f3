import type { I18n } from './i18n';
import type { MessageKey } from './messages';

/**
 * A message kept in state until it is shown, worded as it is drawn, in the language of that
 * moment: kept as text, what the console had said (a filter's "Escribe un valor.", a bulk
 * action's "Done: 1 contact changed") stayed in the old language after the language was switched.
 * The API's own words are kept as they came.
 */
export interface Said {
  readonly words: (i18n: I18n) => string;
}

export const said = (words: (i18n: I18n) => string): Said => ({ words });

/** One of the console's messages, as `t(key, vars)` words it. */
export const saidKey = (key: MessageKey, vars?: Record<string, string | number>): Said => said(({ t }) => t(key, vars));

/** Words that are no message of the console's (the API's): the same in every language. */
export const verbatim = (text: string): Said => ({ words: () => text });
