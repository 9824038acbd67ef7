import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Which computer this is, to notice a data directory that was copied to another one (origin.ts)
 * and a lock left by a node on another one (node-lock.ts).
 *
 * The id is the operating system's own machine id where there is one: /etc/machine-id on Linux,
 * the hardware UUID on macOS (ioreg), MachineGuid in the registry on Windows. It stays the same
 * when the computer is renamed, and it is not in the user's home folder, so a home folder carried
 * to a new laptop (a migration tool, a roaming profile, a restored backup) does not carry it along,
 * as a random id kept in a per-user file would be. Where none can be read, the host name stands in
 * (renaming the computer then looks like a move, which asks once and costs nothing). Only a hash
 * of the id is ever stored, as systemd asks of anyone using /etc/machine-id.
 */
export interface Machine {
  /** SHA-256 of the OS machine id (or the host name), 32 hex characters. */
  readonly id: string;
  /** The computer's name, for messages ("made on laptop-jan"). */
  readonly host: string;
  /** Where the id came from. */
  readonly source: 'machine-id' | 'ioreg' | 'registry' | 'hostname';
}

let cached: Machine | null = null;

/** This computer; read once per process (on macOS and Windows that runs a small system tool). */
export function thisMachine(): Machine {
  cached ??= readMachine(process.platform);
  return cached;
}

function readMachine(platform: NodeJS.Platform): Machine {
  const host = plainHost(hostname());
  const found = platform === 'darwin' ? fromTool('ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice'], parseIoregUuid)
    : platform === 'win32' ? fromTool('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'], parseRegMachineGuid)
    : fromFiles(['/etc/machine-id', '/var/lib/dbus/machine-id']);
  const source = found ? (platform === 'darwin' ? 'ioreg' : platform === 'win32' ? 'registry' : 'machine-id') : 'hostname';
  return { id: machineHash(found ?? `host:${host}`), host, source };
}

export function machineHash(raw: string): string {
  return createHash('sha256').update(`baken-machine:${raw.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}

function fromFiles(files: string[]): string | null {
  for (const file of files) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      // An image not yet booted has an empty or "uninitialized" machine-id: not an id of anything.
      if (/^[0-9a-f]{32}$/i.test(id)) return id;
    } catch {
      // not on this system; try the next
    }
  }
  return null;
}

function fromTool(command: string, args: string[], parse: (output: string) => string | null): string | null {
  try {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 3000, windowsHide: true });
    return result.status === 0 ? parse(result.stdout) : null;
  } catch {
    return null;
  }
}

/** `"IOPlatformUUID" = "564D…"` in `ioreg -rd1 -c IOPlatformExpertDevice` output. */
export function parseIoregUuid(output: string): string | null {
  return /"IOPlatformUUID"\s*=\s*"([0-9A-Fa-f-]{36})"/.exec(output)?.[1] ?? null;
}

/** `MachineGuid    REG_SZ    1c2b…` in `reg query …\Cryptography /v MachineGuid` output. */
export function parseRegMachineGuid(output: string): string | null {
  return /MachineGuid\s+REG_SZ\s+([0-9A-Fa-f-]{36})/.exec(output)?.[1] ?? null;
}

/**
 * A host name as it may appear in a message: letters, digits, dots, dashes and underscores only, so
 * a name read from a file another computer wrote cannot put terminal controls in a message.
 */
export function plainHost(host: string): string {
  const plain = host.replace(/[^\p{L}\p{N}._-]/gu, '?').slice(0, 64);
  return plain === '' ? '?' : plain;
}
