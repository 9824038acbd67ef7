import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PeerView } from '../../../shared/contract/sync.js';
import { timeText } from '../lib/presenter.js';
import { useBackend, useConnection, useEvent } from './backend.js';
import { useSession } from './session.js';

/** Always in the header: offline, saving or saved, and how many teammates are connected. */
export function StateIndicator() {
  const { t } = useTranslation();
  const { api, saving } = useBackend();
  const { lang } = useSession();
  const connection = useConnection();
  const [peers, setPeers] = useState<PeerView[] | null>(null);
  const [team, setTeam] = useState<boolean>(true);

  useEffect(() => {
    if (connection !== 'open') return;
    api['sync.status']({}).then(
      (s) => {
        setPeers(s.peers);
        setTeam(s.team !== null);
      },
      () => {},
    );
  }, [api, connection]);
  useEvent('peers.changed', (e) => setPeers(e.peers));

  const connected = peers?.filter((p) => p.connected).length ?? 0;
  let state: { cls: string; text: string };
  if (connection === 'closed') state = { cls: 'state-offline', text: t('header.offline') };
  else if (connection === 'connecting') state = { cls: 'state-busy', text: t('header.connecting') };
  else if (saving.pending > 0) state = { cls: 'state-busy', text: t('header.saving') };
  else state = { cls: 'state-ok', text: saving.lastSaved === null ? t('header.savedNothing') : t('header.saved', { time: timeText(saving.lastSaved, lang) }) };

  return (
    <div className="state" role="status" aria-live="polite" aria-label={t('header.state')}>
      <span className={`state-pill ${state.cls}`}>
        <span className="dot" aria-hidden="true" />
        {state.text}
      </span>
      {connection === 'open' && (
        <span className={`state-pill ${connected > 0 ? 'state-ok' : 'state-quiet'}`}>
          {team ? t('header.peers', { count: connected }) : t('header.noTeam')}
        </span>
      )}
    </div>
  );
}
