import { useI18n, type Language } from '../i18n/i18n';

export function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label className="language">
      {t('language')}
      <select aria-label={t('language')} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
        <option value="en">English</option>
        <option value="es">Español</option>
      </select>
    </label>
  );
}
