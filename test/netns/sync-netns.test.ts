import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestBackend } from '../support/backend.js';
import { main } from '../../electron/cli/baken.js';
import type { ActionView, LogEntryView, SyncStatusView, VerifyView } from '../../shared/contract/api.js';
import type { IncidentState } from '../../shared/domain/derive.js';
import { sourceCli } from '../support/cli.js';
import { createLab, ensureIptables, requireNetns, sleep, sweepLeftovers, waitFor, type Host, type Lab, type Link, type ServeProcess } from './netns.js';

/**
 * Real `baken serve` processes syncing over real TCP between network namespaces, with mDNS on —
 * only inside the namespaces this file makes, never in the host's. Topology, a line plus an outsider:
 *
 *     A 10.77.1.1 ── 10.77.1.2 B 10.77.2.2 ── 10.77.2.3 C
 *                              B 10.77.3.2 ── 10.77.3.4 D   (D: another team's key)
 *
 * A and C have no link to each other: whatever reaches C from A went through B (store-and-forward).
 * CLI commands on the data directories run in this process through the CLI's own `main()` (the
 * serving processes notice those writes, as they would a second `baken` process).
 *
 * The scenarios share one network and run in order: discovery and store-and-forward, 10% packet
 * loss, another team's laptop, a long partition and its healing, clean shutdown. The partition comes
 * late so that, should B and C fail to find each other again, the other scenarios still say their piece.
 *
 * Needs root, iproute2 and iptables (installed with apt-get when missing). Never skipped.
 */

const REPO = join(import.meta.dirname, '..', '..');
const PORT = 4100;
/** What `baken status` must say, in plain words, about a peer it cannot sync with. */
const UNREACHABLE = 'not reachable, or not in this team';
const PREFIX = `bkn${process.pid}`;

interface Laptop {
  name: string;
  host: Host;
  data: string;
  /** Listen addresses (IPv4) inside its namespace. */
  addresses: string[];
  serve?: ServeProcess;
  peerId?: string;
}

let lab: Lab;
let root = '';
const laptops: Record<'a' | 'b' | 'c' | 'd', Laptop> = {} as never;
const links: Record<'ab' | 'bc' | 'bd', Link> = {} as never;
let incident = '';

// ---------------------------------------------------------------------------------------------
// The CLI, in process

async function cli(laptop: Laptop, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--data', laptop.data, ...args], { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: {} });
  return { code, stdout, stderr };
}

async function json<T>(laptop: Laptop, ...args: string[]): Promise<T> {
  const result = await cli(laptop, ...args, '--json');
  if (result.code !== 0) throw new Error(`${laptop.name}: baken ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as T;
}

async function entryIds(laptop: Laptop): Promise<string[]> {
  return (await json<LogEntryView[]>(laptop, 'log', 'list')).map((e) => e.id).sort();
}

async function holds(laptop: Laptop, ids: string[]): Promise<boolean> {
  const held = new Set(await entryIds(laptop));
  return ids.every((id) => held.has(id));
}

const status = (laptop: Laptop) => json<SyncStatusView>(laptop, 'status');
const connectedIds = (s: SyncStatusView) => new Set(s.peers.filter((p) => p.connected && p.id).map((p) => p.id!));

/** What every laptop holds and sees, for failure messages. */
async function picture(): Promise<string> {
  const lines: string[] = [];
  for (const laptop of Object.values(laptops)) {
    try {
      const s = await status(laptop);
      const ids = await entryIds(laptop);
      const peers = s.peers.map((p) => `${p.address ?? p.id?.slice(-6)}:${p.connected ? 'up' : `down(${p.problem})`}`).join(' ');
      lines.push(`${laptop.name}: ${ids.length} entries, serving=${s.serving}, peers ${peers || 'none'}`);
    } catch (error) {
      lines.push(`${laptop.name}: ${(error as Error).message}`);
    }
    if (laptop.serve) lines.push(`  serve stderr: ${laptop.serve.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return lines.join('\n');
}

async function startServe(laptop: Laptop): Promise<void> {
  const listen = laptop.addresses.flatMap((address) => ['--listen', `/ip4/${address}/tcp/${PORT}`]);
  // mDNS stays on: this runs inside the laptop's own namespace.
  laptop.serve = lab.spawn(laptop.host, process.execPath, sourceCli('--data', laptop.data, 'serve', ...listen), { cwd: REPO });
  await laptop.serve.waitForStderr(/baken serving/, 90_000);
  const s = await status(laptop);
  expect(s.serving, `${laptop.name} reports serving`).toBe(true);
  laptop.peerId = s.peerId!;
}

// ---------------------------------------------------------------------------------------------

describe('sync between laptops in network namespaces (mDNS, real TCP, partitions, loss, another team)', () => {
  beforeAll(async () => {
    requireNetns(`${PREFIX}-probe`);
    sweepLeftovers();
    lab = createLab(PREFIX);
    root = mkdtempSync(join(tmpdir(), `${PREFIX}-`));
    const make = (name: 'a' | 'b' | 'c' | 'd', addresses: string[]) => {
      laptops[name] = { name: name.toUpperCase(), host: lab.addHost(name), data: join(root, name), addresses };
    };
    make('a', ['10.77.1.1']);
    make('b', ['10.77.1.2', '10.77.2.2', '10.77.3.2']);
    make('c', ['10.77.2.3']);
    make('d', ['10.77.3.4']);
    const { a, b, c, d } = laptops;
    for (const laptop of [a, b, c, d]) await json(laptop, 'init');

    // B makes the team. The invite is made inside A's namespace while it has no links yet, so it
    // carries no addresses: A and C find B by mDNS alone.
    await json(b, 'team', 'create', '--name', 'ROT Brabant-Noord');
    const invited = await lab.execAsync(a.host, process.execPath, sourceCli('--data', b.data, 'team', 'invite', '--json'), { timeoutMs: 60_000 });
    if (invited.code !== 0) throw new Error(`team invite failed: ${invited.stderr}`);
    const invite = JSON.parse(invited.stdout) as { code: string; addresses: string[] };
    expect(invite.addresses).toEqual([]);
    for (const laptop of [a, c]) expect((await json<{ peersAdded: number }>(laptop, 'team', 'join', invite.code)).peersAdded).toBe(0);
    await json(d, 'team', 'create', '--name', 'Ander team');

    links.ab = lab.link(a.host, '10.77.1.1/24', b.host, '10.77.1.2/24');
    links.bc = lab.link(b.host, '10.77.2.2/24', c.host, '10.77.2.3/24');
    links.bd = lab.link(b.host, '10.77.3.2/24', d.host, '10.77.3.4/24');
    // One multicast route per namespace. B sends its own announcements towards A only, yet hears
    // C's and D's (each node answers its own queries), so B discovers and dials them.
    lab.multicastVia(a.host, links.ab.aIf);
    lab.multicastVia(b.host, links.ab.bIf);
    lab.multicastVia(c.host, links.bc.bIf);
    lab.multicastVia(d.host, links.bd.bIf);

    await Promise.all([a, b, c].map(startServe));
  }, 240_000);

  afterAll(async () => {
    const problems = lab ? await lab.cleanup() : [];
    if (root) rmSync(root, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`network namespace cleanup failed: ${problems.join('; ')}`);
  }, 60_000);

  it('discovers peers by mDNS alone and carries entries A → B → C and C → B → A', async () => {
    const { a, b, c } = laptops;
    await waitFor('B to find and connect to A and C by mDNS', async () => {
      const ids = connectedIds(await status(b));
      return ids.has(a.peerId!) && ids.has(c.peerId!);
    }, 60_000, picture);

    const opened = await json<{ id: string; entry: string }>(a, 'incident', 'create', '--title', 'Uitval NAFIN', '--location', 'Eindhoven', '--grip', '1');
    incident = opened.id;
    const fromA = await json<{ id: string }>(a, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Meldkamer onbereikbaar via NAFIN', '--source', 'KMar');
    await waitFor('C to hold the entries written on A', () => holds(c, [opened.entry, fromA.id]), 60_000, picture);

    const fromC = await json<{ id: string }>(c, 'log', 'add', '--incident', incident, '--kind', 'beeld', '--text', 'Ook in Veldhoven geen verbinding');
    await waitFor('A to hold the entry written on C', () => holds(a, [fromC.id]), 60_000, picture);
    expect(await holds(b, [opened.entry, fromA.id, fromC.id])).toBe(true);

    // It went through B: A and C only ever talked to B, and nobody was configured by hand.
    for (const end of [a, c]) {
      const s = await status(end);
      expect([...connectedIds(s)], `${end.name}'s connected peers`).toEqual([b.peerId]);
      expect(s.peers.map((p) => p.id)).not.toContain(end === a ? c.peerId : a.peerId);
    }
    const state = await json<IncidentState>(c, 'incident', 'show', incident);
    expect(state.incident).toMatchObject({ title: 'Uitval NAFIN', location: 'Eindhoven' });
  }, 150_000);

  it('brings a few hundred entries from A to C over 10% packet loss on both links', async () => {
    const { a, b, c } = laptops;
    expect(incident, 'the first scenario opened the incident').not.toBe('');
    const iptables = await ensureIptables();
    const lossy: [Host, string][] = [[a.host, links.ab.aIf], [b.host, links.ab.bIf], [b.host, links.bc.aIf], [c.host, links.bc.bIf]];
    const drop = (ifName: string) => ['OUTPUT', '-o', ifName, '-m', 'statistic', '--mode', 'random', '--probability', '0.10', '-j', 'DROP'];
    const count = (ifName: string) => ['OUTPUT', '-o', ifName]; // no target: only counts what is sent
    const written: string[] = [];
    let sent = 0;
    let dropped = 0;
    try {
      for (const [host, ifName] of lossy) {
        lab.exec(host, iptables, ['-A', ...count(ifName)]);
        lab.exec(host, iptables, ['-A', ...drop(ifName)]);
      }

      // Bursts of writes from another process than the serving one, as a busy desk makes them: many
      // small sync frames (and so many packets to lose) rather than one big one.
      const backend = openTestBackend({ dataDir: a.data });
      try {
        for (let i = 1; i <= 300; i++) {
          const appended = await backend.api['log.add']({ incident, kind: 'beeld', body: { text: `Beeld ${i}: situatie bij knooppunt ${i % 17}, ${'wegafsluiting en omleiding '.repeat(1 + (i % 5))}` } });
          written.push(appended.id);
          if (i % 10 === 0) await sleep(250);
        }
      } finally {
        backend.close();
      }
      await waitFor('C to hold all 300 entries written on A over lossy links', () => holds(c, written), 150_000, picture);

      for (const [host, ifName] of lossy) {
        const lines = lab.exec(host, iptables, ['-L', 'OUTPUT', '-v', '-n', '-x']).split('\n').filter((l) => l.includes(ifName));
        const packets = (line: string | undefined) => Number(line?.trim().split(/\s+/)[0] ?? 0);
        sent += packets(lines.find((l) => !l.includes('DROP')));
        dropped += packets(lines.find((l) => l.includes('DROP')));
      }
    } finally {
      for (const [host, ifName] of lossy) {
        for (const rule of [drop(ifName), count(ifName)]) {
          try {
            lab.exec(host, iptables, ['-D', ...rule]);
          } catch {
            // the namespace (and the rule with it) goes in afterAll anyway
          }
        }
      }
    }
    expect(dropped, `packets the loss rules dropped, of ${sent} sent`).toBeGreaterThan(0);
    expect(written).toHaveLength(300);
    await waitFor('A, B and C to hold the same entries', async () => {
      const [ia, ib, ic] = await Promise.all([a, b, c].map(entryIds));
      return JSON.stringify(ia) === JSON.stringify(ib) && JSON.stringify(ib) === JSON.stringify(ic);
    }, 60_000, picture);
    expect(await json<VerifyView>(c, 'verify')).toMatchObject({ ok: true, problems: [] });
  }, 330_000);

  it('keeps a laptop with another team key out: D gets nothing, and B and D say why', async () => {
    const { a, b, d } = laptops;
    expect(incident, 'the first scenario opened the incident').not.toBe('');
    await startServe(d);
    const own = await json<{ id: string; entry: string }>(d, 'incident', 'create', '--title', 'Oefening ander team');

    // The wire between B and D works: B reaches D's sync port over TCP.
    const probe = await lab.execAsync(b.host, process.execPath, ['-e', TCP_PROBE, '10.77.3.4', String(PORT)], { timeoutMs: 30_000 });
    expect(probe.code, `TCP from B to D: ${probe.stderr}`).toBe(0);

    await json(b, 'peer', 'add', `10.77.3.4:${PORT}`);
    await json(d, 'peer', 'add', `10.77.3.2:${PORT}`);
    const refused = (s: SyncStatusView, address: string) => s.peers.find((p) => p.address?.startsWith(address) && !p.connected && p.problem === UNREACHABLE);
    const onB = await waitFor('B to report D as not connected, in plain words', async () => refused(await status(b), `/ip4/10.77.3.4/tcp/${PORT}`), 90_000, picture);
    const onD = await waitFor('D to report B as not connected, in plain words', async () => refused(await status(d), `/ip4/10.77.3.2/tcp/${PORT}`), 90_000, picture);
    expect(onB).toMatchObject({ connected: false, problem: UNREACHABLE });
    expect(onD).toMatchObject({ connected: false, problem: UNREACHABLE });

    // The team keeps syncing meanwhile; D still holds only its own entry, B none of D's.
    const later = await json<{ id: string }>(b, 'log', 'add', '--incident', incident, '--kind', 'communicatie', '--text', 'Burgemeester geïnformeerd', '--audience', 'Gemeente');
    await waitFor('A to hold B\'s new entry', () => holds(a, [later.id]), 60_000, picture);
    expect(await entryIds(d)).toEqual([own.entry]);
    expect((await json<{ id: string }[]>(d, 'incident', 'list')).map((i) => i.id)).toEqual([own.id]);
    expect(await entryIds(b)).not.toContain(own.entry);
    for (const [from, other] of [[b, d], [d, b]] as const) {
      const s = await status(from);
      expect(connectedIds(s).has(other.peerId!), `${from.name} connected to ${other.name}`).toBe(false);
      expect(s.peers.find((p) => p.id === other.peerId)?.connected ?? false).toBe(false);
    }
  }, 240_000);

  it('keeps the two sides of a long partition apart, then converges all three when the link is back', async () => {
    const { a, b, c } = laptops;
    expect(incident, 'the first scenario opened the incident').not.toBe('');
    const action = await json<{ id: string }>(a, 'action', 'add', '--incident', incident, '--text', 'Satelliettelefoon naar meldkamer', '--owner', 'KMar', '--priority', 'HIGH');
    await waitFor('C to hold the action before the partition', () => holds(c, [action.id]), 60_000, picture);

    lab.setLink(b.host, links.bc.aIf, false);
    let onA: string[] = [];
    let onC: string[] = [];
    try {
      onA = [
        (await json<{ id: string }>(a, 'grip', 'set', '--incident', incident, '--level', '3', '--reason', 'Effectbestrijding over de regiogrens')).id,
        (await json<{ id: string }>(a, 'log', 'add', '--incident', incident, '--kind', 'besluit', '--text', 'Noodcommunicatie via satelliet', '--decided-by', 'ROT')).id,
        (await json<{ id: string }>(a, 'action', 'status', action.id, '--status', 'in-progress')).id,
      ];
      onC = [
        (await json<{ id: string }>(c, 'grip', 'set', '--incident', incident, '--level', '2', '--reason', 'Lokaal beeld')).id,
        (await json<{ id: string }>(c, 'action', 'status', action.id, '--status', 'not-done', '--reason', 'Geen toestel beschikbaar')).id,
        (await json<{ id: string }>(c, 'action', 'add', '--incident', incident, '--text', 'Koerier naar gemeentehuis', '--owner', 'Gemeente', '--priority', 'urgent')).id,
        (await json<{ id: string }>(c, 'log', 'add', '--incident', incident, '--kind', 'melding', '--text', 'Gemeentehuis zonder stroom')).id,
      ];
      await waitFor('B to hold A\'s entries while C is cut off', () => holds(b, onA), 60_000, picture);
      // A partition long enough to matter: both ends notice the connection is gone (libp2p's
      // connection monitor closes it after its pings fail), as when a laptop leaves a Wi-Fi for a while.
      await waitFor('B and C to notice they are cut off from each other', async () => {
        const [sb, sc] = await Promise.all([status(b), status(c)]);
        return !connectedIds(sb).has(c.peerId!) && !connectedIds(sc).has(b.peerId!);
      }, 90_000, picture);
      const heldByC = new Set(await entryIds(c));
      expect(onA.filter((id) => heldByC.has(id)), 'A\'s entries on C during the partition').toEqual([]);
      for (const other of [a, b]) {
        const held = new Set(await entryIds(other));
        expect(onC.filter((id) => held.has(id)), `C's entries on ${other.name} during the partition`).toEqual([]);
      }
      expect((await json<IncidentState>(a, 'incident', 'show', incident)).grip.level).not.toEqual((await json<IncidentState>(c, 'incident', 'show', incident)).grip.level);
    } finally {
      lab.setLink(b.host, links.bc.aIf, true);
    }

    // B and C had found each other by mDNS; nothing was configured by hand. Once the link is back
    // they must find each other again by themselves.
    await waitFor('B and C to reconnect by themselves after the link came back', async () => connectedIds(await status(b)).has(c.peerId!), 90_000, picture);
    const all = [...onA, ...onC];
    await waitFor('A, B and C to hold the same entries after the link came back', async () => {
      const [ia, ib, ic] = await Promise.all([a, b, c].map(entryIds));
      const same = JSON.stringify(ia) === JSON.stringify(ib) && JSON.stringify(ib) === JSON.stringify(ic);
      return same && all.every((id) => ia!.includes(id));
    }, 120_000, picture);

    const actions = await Promise.all([a, b, c].map((l) => json<ActionView[]>(l, 'action', 'list', '--incident', incident)));
    const states = await Promise.all([a, b, c].map((l) => json<IncidentState>(l, 'incident', 'show', incident)));
    expect(actions[1]).toEqual(actions[0]);
    expect(actions[2]).toEqual(actions[0]);
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
    expect(actions[0]!.map((x) => x.id).sort()).toEqual([action.id, onC[2]].sort());
    expect(states[0]!.grip.history.map((g) => g.entryId)).toEqual(expect.arrayContaining([onA[0], onC[0]]));
    expect(states[0]!.decisions.map((x) => x.entryId)).toContain(onA[1]);
    for (const laptop of [a, b, c]) {
      const verified = await json<VerifyView>(laptop, 'verify');
      expect(verified, `${laptop.name} verify`).toMatchObject({ ok: true, problems: [] });
    }
  }, 300_000);

  it('stops every serve process cleanly on SIGTERM (exit 0, status file gone)', async () => {
    const running = Object.values(laptops).filter((l) => l.serve);
    expect(running.map((l) => l.name)).toEqual(['A', 'B', 'C', 'D']);
    const ended = await Promise.all(running.map((l) => l.serve!.stop(30_000)));
    running.forEach((laptop, i) => {
      const serve = laptop.serve!;
      expect(ended[i], `${laptop.name} serve ended; stderr: ${serve.stderr.trim()}`).toEqual({ code: 0, signal: null, killed: false });
      expect(serve.stderr).toContain('SIGTERM: stopping');
      expect(serve.stderr, `${laptop.name} printed a stack trace`).not.toMatch(/^\s+at /m);
    });
    for (const laptop of running) expect((await status(laptop)).serving, `${laptop.name} still reported as serving`).toBe(false);
  }, 90_000);
});

/** Exit 0 when a TCP connection to argv[1]:argv[2] opens within 5 s. */
const TCP_PROBE = `
const socket = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
socket.setTimeout(5000, () => { console.error('timeout'); process.exit(1); });
socket.on('connect', () => { socket.destroy(); process.exit(0); });
socket.on('error', (e) => { console.error(e.message); process.exit(1); });
`;
