import { useI18n } from './i18n';

/**
 * The day a date box holds, in the console's language, beside the box: the box itself is the
 * browser's, in the browser's language, so a Spanish console in an English browser showed
 * 2024-01-10 as 01/10/2024, which a Spanish reader takes for the first of October.
 */
export function DayShown({ day }: { day: string }) {
  const { formatDay } = useI18n();
  const shown = formatDay(day);
  return shown ? <span className="day-shown" data-testid="day-shown">{shown}</span> : null;
}
