import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyncStatusView } from '../../shared/contract/sync.js';
import { DEVICE_INCIDENT } from '../../shared/domain/incident.js';
import { STATUS_FILE } from '../../electron/backend/sync/status-file.js';
import { openTestBackend } from '../support/backend.js';
import { main, report } from '../../electron/cli/baken.js';
import { BakenError } from '../../shared/contract/errors.js';
import { runCli } from '../support/cli-main.js';
import { makeNewerChain, makeSigner } from '../support/entries.js';
import { useTempDirs } from '../support/temp.js';

/** What a person reads in the terminal: names instead of keys, local time with its zone, words in their language, nothing that drives the terminal. */
const AMSTERDAM_NL = { TZ: 'Europe/Amsterdam', BAKEN_LANG: 'nl' };
/** A time of day in the reader's zone, with the date before it when it is not today. */
const LOCAL = String.raw`(\d+ \S+ )?\d\d:\d\d \S+`;
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('baken output a person reads', () => {
  const tempDir = useTempDirs();

  async function anna(env: NodeJS.ProcessEnv = AMSTERDAM_NL) {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args], { env });
    expect((await cli('init', '--name', 'Anna de Vries', '--function', 'IM', '--team', 'ROT Brabant-Noord')).code).toBe(0);
    const incident = (await cli('incident', 'create', '--title', 'Uitval NAFIN', '--location', 'Eindhoven Airport', '--grip', '1', '--json')).json().id as string;
    return { data, incident, cli };
  }

  /** Entries another device wrote, stored as a sync would store them. */
  function receive(data: string, entries: Parameters<ReturnType<typeof openTestBackend>['store']['ingest']>[0]) {
    const backend = openTestBackend({ dataDir: data });
    try {
      expect(backend.store.ingest(entries).rejected).toEqual([]);
    } finally {
      backend.close();
    }
  }

  it('names the writer and shows when it was logged and when it happened in local time with the zone; --json stays UTC', async () => {
    const { incident, cli } = await anna();
    const added = (await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Rook bij hal 3', '--source', 'meldkamer', '--at', '2025-07-01 14:05', '--by', 'Piet', '--json')).json();
    const row = (await cli('log', 'list', '--kind', 'melding')).stdout.trim();
    expect(row).toMatch(new RegExp(`^${LOCAL}  ${added.id.slice(0, 12)}  Piet via Anna de Vries \\(IM,… {2}melding {6}Rook bij hal 3 \\(bron: meldkamer\\) \\(gebeurd 1 jul 2025 14:05 CEST\\)$`));
    expect(row).not.toContain('UTC');

    const card = (await cli('log', 'show', added.id.slice(0, 8))).stdout;
    expect(card).toContain('  door       Piet via Anna de Vries (IM, ROT Brabant-Noord)\n');
    expect(card).toContain('  gebeurd    1 jul 2025 14:05 CEST\n');
    expect(card).toContain('  incident   Uitval NAFIN (');
    expect(card).toContain('  voor       intern\n');
    // Another zone: the same instant.
    const shown = await cli('--tz', 'America/New_York', 'log', 'show', added.id);
    expect(shown.stdout).toContain('  gebeurd    1 jul 2025 08:05 EDT\n');
    expect((await cli('log', 'show', added.id, '--json')).json()).toMatchObject({ happenedAt: '2025-07-01T12:05:00.000Z', operator: 'Piet' });
  });

  it('refuses a --at that has not come yet in local time, and after midnight says how to give yesterday\'s time', async () => {
    const { incident, data } = await anna();
    let stderr = '';
    // 00:30 in Amsterdam on 2 December: "23:40" is tonight, not the evening before.
    const now = () => Date.parse('2026-12-01T23:30:00Z');
    const io = { out: () => {}, err: (t: string) => void (stderr += t), env: AMSTERDAM_NL, now };
    expect(await main(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'x', '--at', '23:40'], io)).toBe(2);
    expect(stderr).toBe('baken: --at 23:40 CET has not come yet (it is 00:30 CET now); 23:40 means today: for yesterday, give --at "2026-12-01 23:40"\n');
    expect((await runCli(['--data', data, 'log', 'list', '--kind', 'melding', '--json'])).json()).toEqual([]);
  });

  it('writes rows and cards in English when the reader asks for it (BAKEN_LANG, else the locale)', async () => {
    const { incident, cli, data } = await anna({ TZ: 'Europe/Amsterdam', LANG: 'en_GB.UTF-8' });
    await cli('log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Rook', '--source', 'meldkamer', '--at', '2025-03-05 09:00');
    const english = (await cli('log', 'list', '--kind', 'melding')).stdout;
    expect(english).toContain('Rook (source: meldkamer)');
    const dutch = await runCli(['--data', data, 'log', 'list', '--kind', 'melding'], { env: { TZ: 'Europe/Amsterdam', LANG: 'nl_NL.UTF-8' } });
    expect(dutch.stdout).toContain('Rook (bron: meldkamer)');
    const card = (await runCli(['--data', data, 'log', 'list', '--kind', 'melding', '--json'], { env: {} })).json()[0].id as string;
    expect((await cli('log', 'show', card)).stdout).toContain('  happened   5 Mar 2025 09:00 CET\n');
    expect((await runCli(['--data', data, 'log', 'show', card], { env: { TZ: 'Europe/Amsterdam', BAKEN_LANG: 'nl', LANG: 'en_GB.UTF-8' } })).stdout).toContain('  gebeurd    5 mrt 2025 09:00 CET\n');
  });

  it('marks a corrected entry in the list with what counts now; its card keeps the text as written and lists the corrections', async () => {
    const { incident, cli } = await anna();
    const original = (await cli('log', 'add', '--incident', incident, '--kind', 'beeld', '--text', 'Drie gewonden\nin hal 3', '--json')).json().id as string;
    await cli('log', 'correct', original.slice(0, 8), '--text', 'Twee gewonden in hal 3', '--reason', 'telfout');
    const row = (await cli('log', 'list', '--kind', 'beeld')).stdout.trim();
    expect(row).toMatch(new RegExp(`beeld {8}Twee gewonden in hal 3 \\[gecorrigeerd; het origineel: baken log show ${original.slice(0, 12)}\\]$`));
    const card = (await cli('log', 'show', original.slice(0, 12))).stdout;
    expect(card).toContain('  tekst zoals geschreven:\n    Drie gewonden\n    in hal 3\n  correcties (de laatste geldt):\n');
    expect(card).toMatch(new RegExp(`\\n    ${LOCAL}  [0-9a-f]{12}  Anna de Vries \\(IM, ROT Brabant-Noord\\): Twee gewonden in hal 3\\n`));
  });

  it('cuts a long text in a row, and shows it whole with --full', async () => {
    const { incident, cli } = await anna();
    const long = `Begin ${'lang verslag '.repeat(30)}einde`;
    await cli('log', 'add', '--incident', incident, '--kind', 'beeld', '--text', long);
    const cut = (await cli('log', 'list', '--kind', 'beeld')).stdout;
    expect(cut).toContain('Begin lang verslag');
    expect(cut).not.toContain('einde');
    expect(cut.trim().endsWith('…')).toBe(true);
    expect((await cli('log', 'list', '--kind', 'beeld', '--full')).stdout.trim().endsWith(`${long.trim()}`)).toBe(true);
    expect((await cli('search', 'verslag', '--full')).stdout).toContain('einde');
  });

  it('shows an incident at a glance: opener by name, GRIP history with reasons, open actions with local deadlines, open knelpunten', async () => {
    const { incident, cli } = await anna();
    await cli('grip', 'set', '--incident', incident, '--level', '2', '--reason', 'Uitval breidt uit');
    const action = (await cli('action', 'add', '--incident', incident, '--text', 'Satelliettelefoon naar meldkamer', '--owner', 'Brandweer', '--priority', 'hoog', '--deadline', '2025-07-01 18:00', '--force', '--json')).json().id as string;
    await cli('log', 'add', '--incident', incident, '--kind', 'knelpunt', '--text', 'Geen aggregaat');
    const card = (await cli('incident', 'show', incident.slice(0, 6))).stdout.split('\n');
    expect(card[0]).toBe(`Uitval NAFIN — Eindhoven Airport   (${incident})`);
    expect(card[1]).toMatch(new RegExp(`^  geopend ${LOCAL} door Anna de Vries \\(IM, ROT Brabant-Noord\\)$`));
    expect(card).toContain('  GRIP 2');
    expect(card.some((l) => new RegExp(`^    ${LOCAL}  1 → 2: Uitval breidt uit  \\(Anna de Vries \\(IM, ROT Brabant-Noord\\)\\)$`).test(l))).toBe(true);
    expect(card).toContain(`    ${action.slice(0, 12)}  [open] Satelliettelefoon naar meldkamer  (houder Brandweer, hoog, deadline 1 jul 2025 18:00 CEST TE LAAT)`);
    expect(card).toContain('  open knelpunten: 1');
    const actions = (await cli('action', 'list', '--incident', incident)).stdout.trim();
    expect(actions).toBe(`${action.slice(0, 12)}  open        hoog      1 jul 2025 18:00 CEST TE LAAT  Brandweer: Satelliettelefoon naar meldkamer`);
    const list = (await cli('incident', 'list')).stdout.trim();
    expect(list).toMatch(new RegExp(`^${incident}  GRIP 2  ${LOCAL}  Uitval NAFIN — Eindhoven Airport  \\(door Anna de Vries \\(IM, ROT Brabant-Noord\\)\\)$`));
  });

  it('names another device by its profile, and shows its text, name and a newer version\'s kind without control or bidi characters', async () => {
    const { incident, cli, data } = await anna();
    const kees = makeSigner();
    const hostileName = 'Kees\u001b[2J\u202eKMar';
    const [profile] = makeNewerChain(kees, DEVICE_INCIDENT, [{ kind: 'profiel', body: { name: hostileName, function: 'OvD' } }], { t0: Date.now() - 60_000 });
    const written = makeNewerChain(kees, incident, [
      { kind: 'melding', body: { text: 'Meldkamer \u001b[31mrood\u001b[0m\r\n\u2066stil\u2069' } },
      { kind: 'sitrap', body: { 'samen\u001b[1mvatting': '\u0007bel' } },
    ], { t0: Date.now() - 30_000, startSeq: 2, prev: profile!.id });
    receive(data, [profile!, ...written]);

    const outputs = [
      (await cli('log', 'list')).stdout,
      (await cli('log', 'list', '--full')).stdout,
      (await cli('log', 'show', written[0]!.id)).stdout,
      (await cli('log', 'show', written[1]!.id)).stdout,
      (await cli('incident', 'show', incident)).stdout,
      (await cli('people', 'list')).stdout,
      (await cli('search', 'meldkamer')).stdout,
    ];
    for (const out of outputs) expect(out).not.toMatch(UNSAFE);
    expect(outputs[0]).toContain('Kees\\u{1b}[2J\\u{202e}KMar (OvD)');
    expect(outputs[0]).toContain('Meldkamer \\u{1b}[31mrood\\u{1b}[0m \\u{2066}stil\\u{2069}');
    expect(outputs[3]).toContain('  !          van een nieuwere versie: sitrap\n');
    expect(outputs[3]).toContain('\\u{7}bel');
    // --json keeps the exact text, escaped as JSON does.
    expect((await cli('log', 'show', written[0]!.id, '--json')).json().body.text).toBe('Meldkamer \u001b[31mrood\u001b[0m\r\n\u2066stil\u2069');
  });

  it('status names this device and each peer by its profile, with the last sync in local time', async () => {
    const { cli, data } = await anna();
    const kees = makeSigner();
    receive(data, makeNewerChain(kees, DEVICE_INCIDENT, [{ kind: 'profiel', body: { name: 'Kees Bakker', function: 'OvD' } }], { t0: Date.now() - 60_000 }));
    const lastSync = '2025-07-01T12:05:09.000Z';
    const status: Omit<SyncStatusView, 'serving' | 'team'> = {
      device: (await cli('device', '--json')).json().author, peerId: '12D3KooWTest', listen: ['/ip4/127.0.0.1/tcp/4100'],
      peers: [
        { id: '12D3KooWKees', address: '/ip4/10.0.0.7/tcp/4100', device: kees.publicKeyHex, connected: true, lastSync, behind: 0, ahead: 2, skewMs: 0, waitingRoomRefused: 0, problem: null },
        { id: null, address: '/ip4/10.0.0.8/tcp/4100', device: null, connected: false, lastSync: null, behind: null, ahead: null, skewMs: null, waitingRoomRefused: null, problem: 'not reachable, or not in this team' },
      ],
    };
    // A serving process publishes its state in this file; this test process stands in for it (its pid is alive).
    writeFileSync(join(data, STATUS_FILE), JSON.stringify({ pid: process.pid, updatedAt: Date.now(), status }));
    const lines = (await cli('status')).stdout.split('\n');
    expect(lines[0]).toBe(`device   Anna de Vries (IM, ROT Brabant-Noord)  (key ${status.device})`);
    expect(lines).toContain('  Kees Bakker (OvD) (/ip4/10.0.0.7/tcp/4100)  connected, last sync 1 jul 2025 14:05:09 CEST, behind 0, ahead 2');
    expect(lines).toContain('  /ip4/10.0.0.8/tcp/4100  not connected — not reachable, or not in this team');
  });

  it('escapes an error message too, since it may quote what a file, a peer or an invite held', () => {
    let stderr = '';
    const io = { out: () => {}, err: (t: string) => void (stderr += t), env: {} };
    expect(report(new BakenError('invalid-input', 'team "\u001b]0;pwned\u0007" is not yours'), io)).toBe(2);
    expect(stderr).toBe('baken: team "\\u{1b}]0;pwned\\u{7}" is not yours\n');
  });
});
