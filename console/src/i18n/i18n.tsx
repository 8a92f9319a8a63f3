import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, es, type MessageKey } from './messages';

export type Language = 'en' | 'es';
const tables: Record<Language, Record<MessageKey, string>> = { en, es };
const STORAGE_KEY = 'contacts.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'es') return stored;
  return (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** A Unix-seconds timestamp in the user's locale (the browser's, in the chosen language). */
  formatDate: (seconds: number | null | undefined) => string;
  formatNumber: (n: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(() => {
    // The browser's own locale when it speaks the chosen language (es-MX, en-GB), so dates follow its conventions.
    const locale = (navigator.languages ?? [navigator.language]).find((l) => l.toLowerCase().startsWith(language)) ?? language;
    const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const numbers = new Intl.NumberFormat(locale);
    document.documentElement.lang = language;
    return {
      language,
      setLanguage: (next) => {
        localStorage.setItem(STORAGE_KEY, next);
        setLanguageState(next);
      },
      t: (key, vars) => (tables[language][key] ?? key).replace(/\{(\w+)\}/g, (_m, name: string) => String(vars?.[name] ?? '')),
      formatDate: (seconds) => (seconds == null ? '' : dates.format(new Date(seconds * 1000))),
      formatNumber: (n) => numbers.format(n),
    };
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
