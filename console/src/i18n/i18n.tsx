import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { setUnexpectedErrorText } from '../api/client';
import { en, es, type MessageKey } from './messages';
import type { Said } from './said';

export type Language = 'en' | 'es';
const tables: Record<Language, Record<MessageKey, string>> = { en, es };
const STORAGE_KEY = 'contacts.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'es') return stored;
  return (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

/** A message with a singular form: `key` is the general (plural) form, `key_one` the singular. */
export type PluralKey = { [K in MessageKey]: `${K}_one` extends MessageKey ? K : never }[MessageKey];

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** The form of `key` for the count `n` in the language's plural rules, `{n}` formatted as a number. */
  plural: (key: PluralKey, n: number, vars?: Record<string, string | number>) => string;
  /** A Unix-seconds timestamp in the user's locale (the browser's, in the chosen language). */
  formatDate: (seconds: number | null | undefined) => string;
  /** The same as its day and its time apart, for a narrow column that shows them on two lines. */
  formatDateParts: (seconds: number) => { day: string; time: string };
  formatNumber: (n: number) => string;
  /** A calendar day (YYYY-MM-DD) in the chosen language, '' for anything else. */
  formatDay: (day: string) => string;
  /** A message kept until shown (said.ts), in the chosen language; '' for none. */
  say: (message: Said | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(() => {
    // The browser's own locale when it speaks the chosen language (es-MX, en-GB), so dates follow its conventions.
    const locale = (navigator.languages ?? [navigator.language]).find((l) => l.toLowerCase().startsWith(language)) ?? language;
    const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const datesDay = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const datesTime = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    const numbers = new Intl.NumberFormat(locale);
    const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    const plurals = new Intl.PluralRules(language);
    const table = tables[language];
    const t: I18n['t'] = (key, vars) => (table[key] ?? key).replace(/\{(\w+)\}/g, (_m, name: string) => String(vars?.[name] ?? ''));
    document.documentElement.lang = language;
    document.title = table.appName;
    setUnexpectedErrorText(table.unexpectedError, table.unreachable);
    const i18n: I18n = {
      language,
      setLanguage: (next) => {
        localStorage.setItem(STORAGE_KEY, next);
        setLanguageState(next);
      },
      t,
      plural: (key, n, vars) => {
        // Spanish and English have only `one` apart from the general form (Spanish's `many`, for millions, reads as the plural).
        const form = plurals.select(n) === 'one' ? (`${key}_one` as MessageKey) : key;
        return t(form, { n: numbers.format(n), ...vars });
      },
      formatDate: (seconds) => (seconds == null ? '' : dates.format(new Date(seconds * 1000))),
      formatDateParts: (seconds) => ({ day: datesDay.format(new Date(seconds * 1000)), time: datesTime.format(new Date(seconds * 1000)) }),
      formatNumber: (n) => numbers.format(n),
      formatDay: (day) => {
        const ms = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
        return Number.isNaN(ms) ? '' : days.format(new Date(ms));
      },
      say: (message) => (message ? message.words(i18n) : ''),
    };
    return i18n;
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
