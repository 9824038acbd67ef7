import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app/App.js';
import { BackendProvider } from './app/backend.js';
import { bridgeFromWindow } from './bridge/index.js';
import { setupI18n } from './i18n/index.js';
import './styles.css';

const i18n = setupI18n();
const { bridge, connection } = bridgeFromWindow();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <BackendProvider bridge={bridge} connection={connection}>
          <App />
        </BackendProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}
