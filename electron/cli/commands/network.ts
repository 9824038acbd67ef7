import { DEFAULT_SYNC_PORT as DEFAULT_PORT, type InviteView, type KnownPeerView, type PeerView, type TeamJoinView } from '../../../shared/contract/sync.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand, followProgress, intFlag, listFlag, pathArgument, positional, requiredFlag, UsageError } from '../command.js';
import { rendererDir } from '../renderer-dir.js';
import { oneLine, printable } from '../../../shared/present/safe-text.js';
import type { OutputView } from '../presenter.js';

export const teamCreate = defineCommand({
  path: ['team', 'create'],
  summary: 'Make a new team with a random 256-bit key (only team members can sync with each other)',
  flags: { name: { type: 'string', value: 'NAME', description: 'the team\'s name, e.g. "ROT Brabant-Noord"', required: true } },
  async run(ctx) {
    return ctx.backend().api['team.create']({ name: requiredFlag(ctx, 'name') });
  },
  human: (r) => `Team "${printable(r.name)}" created (id ${r.id}). Invite others with: baken team invite`,
});

export const teamInvite = defineCommand({
  path: ['team', 'invite'],
  summary: 'Print an invite code (team key and this laptop\'s addresses) to read out or paste',
  flags: {
    out: { type: 'string', value: 'FILE', description: 'also write the code to this file (mode 0600); an older invite file there is replaced' },
    force: { type: 'boolean', description: 'replace FILE when it exists and is not an invite file (default: refuse and write nothing)' },
  },
  async run(ctx) {
    const out = ctx.flags.out;
    if (ctx.flags.force === true && typeof out !== 'string') throw new UsageError('--force needs --out (it allows replacing that file)');
    return ctx.backend().api['team.invite']({ out: typeof out === 'string' ? pathArgument(out) : undefined, force: ctx.flags.force === true });
  },
  human: (r) => `${r.code}\n\nTeam "${printable(r.team.name)}". ${inviteReach(r)}\nThe code carries the team key: treat it like a password.`,
});

/** In plain words, what the addresses in an invite are worth. */
function inviteReach({ addresses, reach }: InviteView): string {
  const port = reach.ports[0] ?? DEFAULT_PORT;
  const ports = reach.ports.length > 1 ? `ports ${reach.ports.join(', ')}` : `port ${port}`;
  const list = addresses.map(printable).join(', ');
  const byHand = `After joining, a teammate adds this laptop by hand: baken peer add ADDRESS:${port} (this laptop's address on the LAN)`;
  switch (reach.problem) {
    case 'no-lan-address':
      return `It carries no address: this laptop has no network address right now. ${byHand}, once it is on the network.`;
    case 'loopback-only':
      return (
        `It carries no address: ${reach.from === 'serving' ? 'the running node listens' : 'the last baken serve listened'} only on this machine ` +
        `(loopback, ${ports}), which teammates cannot reach. ${byHand}, with baken serve listening there (--listen 0.0.0.0:${port}).`
      );
    case null:
      if (reach.from === 'serving') return `It carries ${list}, where the running node listens.`;
      if (reach.from === 'last-serve') return `It carries ${list}: this laptop's addresses on ${ports}, where baken serve listened last; teammates reach it there while baken serve runs on that port.`;
      return `It carries ${list}: this laptop's addresses on ${ports}, where baken serve listens by default; teammates reach it there once baken serve runs.`;
  }
}

export const teamJoin = defineCommand({
  path: ['team', 'join'],
  summary: 'Join a team with an invite code (spaces, dashes and case do not matter)',
  positionals: [{ name: 'CODE', description: 'the invite code' }],
  async run(ctx) {
    return ctx.backend().api['team.join']({ code: ctx.positionals.join('') || positional(ctx, 0, 'CODE') });
  },
  human: (r) => [`Joined team "${printable(r.name)}" (id ${r.id}); ${r.peersAdded} peer address(es) added.`, ...skippedNote(r)].join('\n'),
});

/** The invite's addresses this version cannot dial, and what to do when no address was added. */
function skippedNote({ peersAdded, skippedAddresses: skipped = [] }: TeamJoinView): string[] {
  if (skipped.length === 0) return [];
  const lines = [
    `Skipped ${skipped.length} address(es) in the invite that this version of Baken cannot dial (made by a newer version?):`,
    ...skipped.map((s) => `  ${printable(s.address)}: ${printable(s.problem)}`),
  ];
  // peersAdded is 0 on a rejoin too, when the invite's TCP addresses are known already: hence "if".
  if (peersAdded === 0) lines.push(`If baken peer list shows no teammate yet, add one by hand: baken peer add ADDRESS:${DEFAULT_PORT} (their laptop's address on the LAN)`);
  return lines;
}

export const peerAdd = defineCommand({
  path: ['peer', 'add'],
  summary: 'Remember a peer to dial: a multiaddr or host:port (a running serve dials it within a second)',
  positionals: [{ name: 'ADDR', description: 'e.g. 192.168.1.20:4100 or /ip4/192.168.1.20/tcp/4100' }],
  async run(ctx) {
    return ctx.backend().api['peer.add']({ address: positional(ctx, 0, 'ADDR') });
  },
  human: (r) => `Peer ${r.address} added.`,
});

export const peerList = defineCommand({
  path: ['peer', 'list'],
  summary: 'List the remembered peer addresses: how each was added, whether and when it was reached, the last error',
  async run(ctx) {
    return ctx.backend().api['peer.list']({});
  },
  human: (peers, view) => (peers.length === 0 ? 'No known peers. Add one with: baken peer add HOST:PORT' : peers.map((p) => peerLine(p, view)).join('\n')),
});

export const peerRemove = defineCommand({
  path: ['peer', 'remove'],
  summary: 'Forget a peer address (as peer list shows it, or host:port); a running serve stops dialling it',
  positionals: [{ name: 'ADDR', description: 'e.g. 192.168.1.20:4100 or /ip4/192.168.1.20/tcp/4100' }],
  async run(ctx) {
    return ctx.backend().api['peer.remove']({ address: positional(ctx, 0, 'ADDR') });
  },
  human: (r) => `Peer ${printable(r.address)} removed; it is no longer dialled.`,
});

const SOURCES: Record<KnownPeerView['source'], string> = { manual: 'added by hand', invite: 'from an invite', discovered: 'found on the LAN' };

function peerLine(p: KnownPeerView, view: OutputView): string {
  const state = p.connected ? 'connected' : p.reached ? `last connected ${view.at(p.lastConnected!)}` : 'never reached';
  return `${printable(p.address).padEnd(32)} ${SOURCES[p.source].padEnd(15)} ${state}${p.lastError && !p.connected ? ` — ${printable(p.lastError)}` : ''}`;
}

export const statusCommand = defineCommand({
  path: ['status'],
  summary: 'Show this device, its team, listen addresses and every peer: connected, last sync, behind/ahead, clock skew',
  async run(ctx) {
    return ctx.backend().api['sync.status']({});
  },
  human: (s, view) =>
    [
      `device   ${printable(view.presenter.person(s.device))}  (key ${s.device})`,
      `team     ${s.team ? `${printable(s.team.name)} (${s.team.id})` : 'none (baken team create / join)'}`,
      `network  ${s.serving ? `serving on ${s.listen.join(', ')}` : 'not running (baken serve)'}`,
      `peers    ${s.peers.length === 0 ? 'none' : ''}`,
      ...s.peers.map((p) => `  ${peerStatusLine(p, view)}`),
    ].join('\n'),
});

/** A peer as a person knows it: its device's name when it has said hello, else its address; then how in step it is. */
function peerStatusLine(p: PeerView, view: OutputView): string {
  const name = p.device ? oneLine(view.presenter.person(p.device), 40) : null;
  const where = printable(p.address ?? p.id ?? '?');
  return `${name ? `${name} (${where})` : where}  ${p.connected ? 'connected' : 'not connected'}` +
    `${p.lastSync ? `, last sync ${view.at(p.lastSync, { seconds: true })}` : ''}${p.behind !== null ? `, behind ${p.behind}, ahead ${p.ahead}` : ''}` +
    `${p.skewMs !== null && Math.abs(p.skewMs) > 2000 ? `, clock ${p.skewMs > 0 ? '+' : '-'}${view.duration(Math.abs(p.skewMs))}` : ''}` +
    `${p.waitingRoomRefused ? `, ${p.waitingRoomRefused} entries refused (waiting room full)` : ''}${p.problem ? ` — ${oneLine(p.problem, 300)}` : ''}`;
}

export const serveCommand = defineCommand({
  path: ['serve'],
  summary: 'Run this device as a sync node until Ctrl-C (SIGINT) or SIGTERM; with --ui, serve the window to a browser on this computer too',
  flags: {
    listen: {
      type: 'string', value: 'HOST:PORT', multiple: true,
      description: `where to listen: HOST:PORT, PORT alone for every address, or a multiaddr (default 0.0.0.0:${DEFAULT_PORT}); repeatable`,
    },
    peer: { type: 'string', value: 'ADDR', multiple: true, description: 'a peer to dial (multiaddr or host:port); repeatable, remembered' },
    'no-mdns': { type: 'boolean', description: 'do not discover or announce on the LAN by mDNS' },
    ui: { type: 'boolean', description: 'also serve the window on http://127.0.0.1 (this computer only), at an address with a secret token it prints' },
    'ui-port': { type: 'string', value: 'PORT', description: 'the window\'s port, 1-65535 (default: a free one); needs --ui' },
  },
  examples: ['baken serve', 'baken serve --listen 127.0.0.1:4101 --peer 127.0.0.1:4100 --no-mdns', 'baken serve --ui --ui-port 8080'],
  async run(ctx) {
    const listen = listFlag(ctx, 'listen');
    const ui = ctx.flags.ui === true;
    const uiPort = intFlag(ctx, 'ui-port', 1, 65535);
    if (uiPort !== undefined && !ui) throw new UsageError('--ui-port needs --ui (the port is where the window is served)');
    const window = ui ? { rendererDir: rendererDir(), port: uiPort ?? 0 } : undefined;
    const backend = ctx.backend({ network: { listen: listen.length ? listen : [`0.0.0.0:${DEFAULT_PORT}`], mdns: !ctx.flags['no-mdns'], peers: listFlag(ctx, 'peer') }, window });
    await backend.start();
    const status = await backend.api['sync.status']({});
    if (status.serving) ctx.note(`baken serving ${printable(status.team?.name ?? '')} as ${status.peerId} on ${status.listen.join(' ')}`);
    else ctx.note('this device is in no team yet: it starts syncing once the team is created or joined in the window');
    const windowUrl = backend.windowUrl();
    if (window && windowUrl) {
      // The page itself says so too (503), but the terminal is where someone reads first.
      if (!existsSync(join(window.rendererDir, 'index.html'))) ctx.note(`the window is not built (no ${join(window.rendererDir, 'index.html')}): run npm run build`);
      ctx.say(`Window: ${windowUrl}`);
    }
    ctx.ready?.(windowUrl ? { ...status, window: windowUrl } : status);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    ctx.note(`${signal}: stopping`);
    await backend.stop();
    return { stopped: signal, listen: status.listen };
  },
  human: (r) => `stopped (${r.stopped})`,
});

export const bundleExport = defineCommand({
  path: ['bundle', 'export'],
  summary: 'Write signed entries to a file for a USB stick (all, or only what a receiver lacks)',
  flags: {
    out: { type: 'string', value: 'FILE', description: 'the bundle file to write', required: true },
    since: { type: 'string', value: 'CLOCKFILE', description: 'the receiver\'s clock file (baken bundle clock): export only what it lacks' },
    force: { type: 'boolean', description: 'replace FILE when it exists (default: refuse, so yesterday\'s bundle is not overwritten by mistake)' },
  },
  examples: ['baken bundle export --out /media/usb/noord.baken', 'baken bundle export --out /media/usb/noord.baken --since /media/usb/rot-zuid.clock'],
  async run(ctx) {
    const backend = ctx.backend();
    const since = ctx.flags.since;
    return backend.api['bundle.export']({
      out: pathArgument(requiredFlag(ctx, 'out')), since: typeof since === 'string' ? pathArgument(since) : undefined, force: ctx.flags.force === true,
      operation: followProgress(ctx, backend),
    });
  },
  human: (r) => `${r.entries} entries written to ${printable(r.file)} (${r.bytes} bytes)`,
});

export const bundleImport = defineCommand({
  path: ['bundle', 'import'],
  summary: 'Verify and store the entries of a bundle file; reports new, known and rejected entries',
  positionals: [{ name: 'FILE', description: 'the bundle file' }],
  flags: { 'any-team': { type: 'boolean', description: 'import a bundle written in another team too' } },
  async run(ctx) {
    const backend = ctx.backend();
    return backend.api['bundle.import']({ file: pathArgument(positional(ctx, 0, 'FILE')), anyTeam: ctx.flags['any-team'] === true, operation: followProgress(ctx, backend) });
  },
  human: (r) =>
    [
      `${r.added} new, ${r.known} already known, ${r.pending} waiting for earlier entries, ${r.rejected.length} rejected${r.complete ? '' : ' — INCOMPLETE'}`,
      ...r.problems.map((p) => `  ${printable(p)}`),
      ...r.rejected.slice(0, 20).map((x) => `  line ${x.line}: ${printable(x.reason)}`),
      ...(r.rejected.length > 20 ? [`  … and ${r.rejected.length - 20} more (see --json)`] : []),
    ].join('\n'),
  exitCode: (r) => (r.rejected.length > 0 || !r.complete ? 1 : 0),
});

export const bundleClock = defineCommand({
  path: ['bundle', 'clock'],
  summary: 'Write this device\'s clock (what it has) so a sender can export only what is missing',
  flags: {
    out: { type: 'string', value: 'FILE', description: 'the clock file to write', required: true },
    force: { type: 'boolean', description: 'replace FILE when it exists and is not a clock file (an older clock file is always replaced)' },
  },
  async run(ctx) {
    const out = ctx.flags.out;
    if (typeof out !== 'string') throw new UsageError('--out is required');
    return ctx.backend().api['bundle.clock']({ out: pathArgument(out), force: ctx.flags.force === true });
  },
  human: (r) => `clock of ${r.authors} author(s) written to ${r.file}`,
});

