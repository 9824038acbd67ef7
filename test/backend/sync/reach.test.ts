import type { NetworkInterfaceInfo } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAST_LISTEN_FILE, lastListen, listenPoints, reachableAddresses, rememberListen, type Interfaces } from '../../../electron/backend/sync/reach.js';
import { useTempDirs } from '../../support/temp.js';

const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal }) as NetworkInterfaceInfo;

/** A laptop on a LAN: loopback, one IPv4 and one global IPv6 address, and link-local ones nobody can dial without an interface name. */
const LAPTOP: Interfaces = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  wlan0: [iface('192.168.1.20', 'IPv4'), iface('2001:db8::20', 'IPv6'), iface('fe80::1c2:3ff:fe44:5566', 'IPv6')],
  usb0: [iface('169.254.7.7', 'IPv4')],
};
const OFFLINE: Interfaces = { lo: [iface('127.0.0.1', 'IPv4', true)] };

describe('where teammates can reach a node', () => {
  it('expands a wildcard to this machine\'s LAN addresses of its family, with the real port', () => {
    expect(reachableAddresses([{ family: 4, host: '0.0.0.0', port: 4715 }], LAPTOP)).toEqual({ addresses: ['/ip4/192.168.1.20/tcp/4715'], ports: [4715], problem: null });
    expect(reachableAddresses([{ family: 6, host: '::', port: 4100 }], LAPTOP).addresses).toEqual(['/ip6/2001:db8::20/tcp/4100']);
  });

  it('keeps a specific address and leaves out loopback', () => {
    const points = listenPoints(['/ip4/192.168.1.20/tcp/4100/p2p/12D3KooWGzBsSDpAR7YF9xuGc9xvuhsPh6KqCKjQqfWnWuvG5M9u', '/ip4/127.0.0.1/tcp/4100', '/ip6/::1/tcp/4100'], []);
    expect(reachableAddresses(points, LAPTOP)).toEqual({ addresses: ['/ip4/192.168.1.20/tcp/4100'], ports: [4100], problem: null });
  });

  it('says so when the node listens only on loopback, or the machine has no LAN address', () => {
    expect(reachableAddresses([{ family: 4, host: '127.0.0.1', port: 4715 }], LAPTOP)).toEqual({ addresses: [], ports: [4715], problem: 'loopback-only' });
    expect(reachableAddresses([{ family: 4, host: '0.0.0.0', port: 4100 }], OFFLINE)).toEqual({ addresses: [], ports: [4100], problem: 'no-lan-address' });
  });

  it('takes the real port of a listen address given as port 0 from what libp2p reports', () => {
    expect(listenPoints(['/ip4/0.0.0.0/tcp/0'], ['/ip4/192.168.1.20/tcp/38211/p2p/12D3KooWGzBsSDpAR7YF9xuGc9xvuhsPh6KqCKjQqfWnWuvG5M9u', '/ip4/127.0.0.1/tcp/38211'])).toEqual([
      { family: 4, host: '0.0.0.0', port: 38211 },
    ]);
    expect(listenPoints(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0'], ['/ip4/127.0.0.1/tcp/40001'])).toEqual([{ family: 4, host: '127.0.0.1', port: 40001 }]);
    expect(listenPoints(['/ip4/10.0.0.1/tcp/0', '/ip4/1.2.3.4/udp/5/quic-v1', '/dns4/x.local/tcp/1'], ['/ip4/127.0.0.1/tcp/40001'])).toEqual([]);
  });
});

describe('where the last node listened', () => {
  const tempDir = useTempDirs();

  it('is remembered in the data directory and read back', () => {
    const dir = tempDir();
    expect(lastListen(dir)).toBeNull();
    rememberListen(dir, [{ family: 4, host: '0.0.0.0', port: 4715 }], Date.UTC(2026, 10, 22, 14, 5));
    expect(lastListen(dir)).toEqual([{ family: 4, host: '0.0.0.0', port: 4715 }]);
  });

  it('is unknown when the file is not one Baken wrote', () => {
    const dir = tempDir();
    for (const text of ['not json', '{}', '{"listen":[]}', '{"listen":[{"family":4,"host":"0.0.0.0","port":0}]}', '{"listen":[{"family":4,"host":"nonsense","port":4100}]}']) {
      writeFileSync(join(dir, LAST_LISTEN_FILE), text);
      expect(lastListen(dir), text).toBeNull();
    }
  });
});
