import { TeamSetup } from './TeamSetup.js';
import { InviteQr } from './InviteQr.js';
import { SyncFileCard } from './SyncFile.js';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { InviteView, PeerView } from '../../../shared/contract/sync.js';
import { DEFAULT_MAX_SKEW_MS } from '../../../shared/domain/hlc.js';
import { roughDuration } from '../../../shared/present/entry-line.js';
import { errorText, useBackend, useEvent, useLoad } from '../app/backend.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';
import { ErrorLine } from './common.js';

export function NetworkScreen() {
  const { t } = useTranslation();
  const { api, write } = useBackend();
  const { device, presenter, lang } = useSession();
  const { data: status, error, reload } = useLoad(() => api['sync.status']({}), [api]);
  const [peers, setPeers] = useState<PeerView[] | null>(null);
  useEffect(() => setPeers(status?.peers ?? null), [status]);
  useEvent('peers.changed', (e) => setPeers(e.peers));
  const { data: people } = useLoad(() => api['people.list']({}), [api]);
  const names = useMemo(() => new Map((people ?? []).map((p) => [p.author, p.label])), [people]);

  const [address, setAddress] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [invite, setInvite] = useState<InviteView | null>(null);
  const [inviteError, setInviteError] = useState<string | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setAddError(null);
    setAdded(null);
    try {
      const r = await write(() => api['peer.add']({ address }));
      setAdded(r.address);
      setAddress('');
      reload(true);
    } catch (err) {
      setAddError(errorText(err));
    }
  };
  const showInvite = async () => {
    setInviteError(null);
    try {
      setInvite(await api['team.invite']({}));
    } catch (err) {
      setInviteError(errorText(err));
    }
  };

  const peerName = (p: PeerView) => (p.device ? names.get(p.device) ?? presenter.person(p.device) : p.address ?? p.id ?? '?');
  const skewWords = (ms: number | null) => {
    if (ms === null || Math.abs(ms) <= DEFAULT_MAX_SKEW_MS) return null;
    return ms > 0 ? t('network.clockAhead', { d: roughDuration(ms, lang) }) : t('network.clockBehind', { d: roughDuration(ms, lang) });
  };

  return (
    <div className="screen">
      <h1>{t('network.title')}</h1>
      <ErrorLine error={error} />
      <section className="card" aria-labelledby="net-self">
        <h2 id="net-self">{t('network.thisLaptop')}</h2>
        <dl className="facts">
          <dt>{t('network.device')}</dt>
          <dd>{device.person.label}</dd>
          <dt>{t('network.team')}</dt>
          <dd>{status?.team ? status.team.name : t('network.noTeam')}</dd>
          <dt>{t('network.serving')}</dt>
          <dd>{status ? (status.serving ? t('network.servingOn') : t('network.servingOff')) : '…'}</dd>
          {status && status.listen.length > 0 && (
            <>
              <dt>{t('network.listen')}</dt>
              <dd>{status.listen.map((l) => <code key={l} className="block-code">{l}</code>)}</dd>
            </>
          )}
        </dl>
      </section>
      {status && !status.team && <TeamSetup onDone={reload} />}
      <section className="card" aria-labelledby="net-peers">
        <h2 id="net-peers">{t('network.peers')}</h2>
        {peers === null || peers.length === 0 ? (
          <p className="empty">{t('network.noPeers')}</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('network.name')}</th>
                <th scope="col">{t('network.connected')}</th>
                <th scope="col">{t('network.lastSync')}</th>
                <th scope="col" className="num">{t('network.behind')}</th>
                <th scope="col" className="num">{t('network.ahead')}</th>
                <th scope="col">{t('network.clock')}</th>
              </tr>
            </thead>
            <tbody>
              {peers.map((p, i) => {
                const skew = skewWords(p.skewMs);
                return (
                  <tr key={p.id ?? p.address ?? i}>
                    <th scope="row">
                      {peerName(p)}
                      {p.address && p.device && <div className="muted small wrap">{p.address}</div>}
                      {p.problem && <div className="warn-text small">{t('network.problem')}: {p.problem}</div>}
                    </th>
                    <td><span className={`state-pill ${p.connected ? 'state-ok' : 'state-quiet'}`}>{p.connected ? t('network.yes') : t('network.no')}</span></td>
                    <td>{p.lastSync ? <time dateTime={p.lastSync}>{timeText(p.lastSync, lang)}</time> : t('network.never')}</td>
                    <td className="num">{p.behind ?? t('network.unknown')}</td>
                    <td className="num">{p.ahead ?? t('network.unknown')}</td>
                    <td>{skew ? <strong className="warn-text">⚠ {skew}</strong> : p.skewMs === null ? t('network.unknown') : t('network.clockOk')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <div className="two-col">
        <form className="card" onSubmit={add} aria-labelledby="net-add">
          <h2 id="net-add">{t('network.addPeer')}</h2>
          <div className="field">
            <label htmlFor="peer-addr">{t('network.address')}</label>
            <input id="peer-addr" required value={address} onChange={(e) => setAddress(e.target.value)} aria-describedby="peer-addr-hint" spellCheck={false} />
            <small id="peer-addr-hint">{t('network.addressHint')}</small>
          </div>
          <ErrorLine error={addError} />
          {added && <p role="status" className="ok">{t('network.added', { address: added })}</p>}
          <button type="submit">{t('network.add')}</button>
        </form>
        <section className="card" aria-labelledby="net-invite">
          <h2 id="net-invite">{t('network.invite')}</h2>
          <p className="muted">{t('network.inviteNote')}</p>
          {invite ? (
            <>
              <label htmlFor="invite-code" className="visually-hidden">{t('network.invite')}</label>
              <textarea id="invite-code" readOnly rows={4} value={invite.code} className="code" onFocus={(e) => e.target.select()} />
              <InviteQr code={invite.code} label={t('network.inviteQr')} />
              {invite.addresses.length === 0 && <p className="warn-text">{t('network.inviteReachNone')}</p>}
            </>
          ) : (
            status && !status.team
              ? <p className="muted">{t('network.inviteNoTeam')}</p>
              : <button type="button" onClick={() => void showInvite()}>{t('network.inviteShow')}</button>
          )}
          <ErrorLine error={inviteError} />
        </section>
      </div>
      <SyncFileCard team={status?.team?.name ?? null} />
    </div>
  );
}
