import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/app';
import { AppFailed } from './shell/app-failed';
import { ErrorBoundary } from './shell/error-boundary';
import { I18nProvider } from './i18n/i18n';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ErrorBoundary fallback={(error) => <AppFailed error={error} />}>
        <App />
      </ErrorBoundary>
    </I18nProvider>
  </StrictMode>,
);
