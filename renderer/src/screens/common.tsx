import { useTranslation } from 'react-i18next';
import type { Segment } from '../lib/highlight.js';

export function ErrorLine({ error }: { error: string | null }) {
  const { t } = useTranslation();
  if (error === null) return null;
  return <p className="error" role="alert">{t('app.error', { message: error })}</p>;
}

export function NeedIncident() {
  const { t } = useTranslation();
  return <p className="empty">{t('app.noIncident')}</p>;
}

/** Text with search hits marked; every part is rendered as text. */
export function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}
