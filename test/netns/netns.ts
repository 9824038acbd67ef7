import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway networks of Linux network namespaces for sync tests: hosts are namespaces, links are veth
 * pairs created directly inside them, so nothing of a lab ever appears in the host's namespace and
 * every packet stays between our namespaces. mDNS is only ever started inside these namespaces.
 *
 * Names: `bkn<pid>-<host>` for namespaces and `bkn<pid>-<host><peer>` for interfaces (at most 15
 * characters), `bkn<pid>-*` for temporary directories. `sweepLeftovers()` removes what runs that
 * died without cleaning up left behind (their pid no longer runs node).
 *
 * Needs root (CI runs as root). When `ip netns` is not permitted the tests fail with the reason:
 * they are never skipped.
 */

export const PREFIX_PATTERN = /^bkn(\d+)-/;

export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  try {
    return execFileSync(command, args, { stdio: ['pipe', 'pipe', 'pipe'], input: options.input, timeout: options.timeoutMs ?? 20_000 }).toString();
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed: ${stderrOf(error)}`);
  }
}

export function runAsync(command: string, args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: options.timeoutMs ?? 30_000, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() || (error && code === 1 ? error.message : '') });
    });
  });
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (error as Error).message;
}

/** Fails loudly (never skips) when this machine cannot make network namespaces. */
export function requireNetns(probeName: string): void {
  try {
    execFileSync('ip', ['netns', 'add', probeName], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probeName], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `cannot create a network namespace (ip netns add ${probeName}: ${stderrOf(error)}). These sync tests need root, ` +
        'iproute2 and permission to make network namespaces, as CI has; they are not skipped on purpose.',
    );
  }
}

function runsNode(pid: number): boolean {
  try {
    return /node|vitest/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

function listNamespaces(): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter(Boolean);
}

function pidsIn(ns: string): number[] {
  try {
    return run('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Kills the processes still inside a namespace (one by one, by pid) and deletes it. */
function removeNamespace(ns: string): string | null {
  for (const pid of pidsIn(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `ip netns del ${ns}: ${stderrOf(error)}`;
  }
}

/** Removes namespaces, stray host interfaces and temp directories of earlier runs that crashed. */
export function sweepLeftovers(): string[] {
  const removed: string[] = [];
  const stale = (name: string) => {
    const match = PREFIX_PATTERN.exec(name);
    if (!match) return false;
    const pid = Number(match[1]);
    return pid !== process.pid && !runsNode(pid);
  };
  for (const ns of listNamespaces().filter(stale)) {
    removeNamespace(ns);
    removed.push(`netns ${ns}`);
  }
  // Interfaces are made inside our namespaces; one can only be in the host's if a run died mid-way.
  for (const line of run('ip', ['-o', 'link', 'show']).split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    if (name && stale(name)) {
      try {
        execFileSync('ip', ['link', 'del', name], { stdio: 'pipe' });
        removed.push(`link ${name}`);
      } catch {
        // went away with its namespace
      }
    }
  }
  for (const name of readdirSync(tmpdir()).filter(stale)) {
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
    removed.push(`dir ${name}`);
  }
  return removed;
}

export interface Host {
  name: string;
  ns: string;
}

export interface Link {
  a: Host;
  b: Host;
  /** Interface names: on host a, and on host b. */
  aIf: string;
  bIf: string;
}

/** One test run's namespaces, links and processes. */
export function createLab(prefix = `bkn${process.pid}`) {
  const hosts = new Map<string, Host>();
  const processes = new Set<ServeProcess>();
  const multicast = new Map<string, string>();
  const exitHook = () => cleanupSync();
  process.once('exit', exitHook);

  function cleanupSync(): string[] {
    const problems: string[] = [];
    for (const child of processes) {
      if (child.exitCode === null && child.child.pid) {
        try {
          process.kill(child.child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const host of hosts.values()) {
      const problem = removeNamespace(host.ns);
      if (problem) problems.push(problem);
    }
    hosts.clear();
    return problems;
  }

  const lab = {
    prefix,
    hosts,
    /** A new namespace with its loopback up. */
    addHost(name: string): Host {
      const host = { name, ns: `${prefix}-${name}` };
      run('ip', ['netns', 'add', host.ns]);
      hosts.set(name, host);
      run('ip', ['-n', host.ns, 'link', 'set', 'lo', 'up']);
      return host;
    },
    /** A veth pair between two hosts with an address (CIDR) on each end, both ends up. */
    link(a: Host, aAddress: string, b: Host, bAddress: string): Link {
      const aIf = `${prefix}-${a.name}${b.name}`;
      const bIf = `${prefix}-${b.name}${a.name}`;
      if (aIf.length > 15) throw new Error(`interface name ${aIf} is longer than 15 characters`);
      run('ip', ['link', 'add', aIf, 'netns', a.ns, 'type', 'veth', 'peer', 'name', bIf, 'netns', b.ns]);
      run('ip', ['-n', a.ns, 'addr', 'add', aAddress, 'dev', aIf]);
      run('ip', ['-n', b.ns, 'addr', 'add', bAddress, 'dev', bIf]);
      run('ip', ['-n', a.ns, 'link', 'set', aIf, 'up']);
      run('ip', ['-n', b.ns, 'link', 'set', bIf, 'up']);
      return { a, b, aIf, bIf };
    },
    /** Sends multicast (mDNS) out of this interface. One such route per namespace. */
    multicastVia(host: Host, ifName: string): void {
      multicast.set(host.ns, ifName);
      run('ip', ['-n', host.ns, 'route', 'replace', '224.0.0.0/4', 'dev', ifName]);
    },
    /**
     * Takes one end of a link down or up. The kernel drops the routes of an interface taken down; on
     * the way up the multicast route comes back too, as a laptop's network manager would restore it.
     */
    setLink(host: Host, ifName: string, up: boolean): void {
      run('ip', ['-n', host.ns, 'link', 'set', ifName, up ? 'up' : 'down']);
      if (up && multicast.get(host.ns) === ifName) run('ip', ['-n', host.ns, 'route', 'replace', '224.0.0.0/4', 'dev', ifName]);
    },
    /** A command inside a namespace, synchronously. */
    exec(host: Host, command: string, args: string[], options: { timeoutMs?: number } = {}): string {
      return run('ip', ['netns', 'exec', host.ns, command, ...args], options);
    },
    execAsync(host: Host, command: string, args: string[], options: { timeoutMs?: number } = {}) {
      return runAsync('ip', ['netns', 'exec', host.ns, command, ...args], options);
    },
    /** A long-running process inside a namespace (`ip netns exec` execs it: the pid is the process itself). */
    spawn(host: Host, command: string, args: string[], options: { cwd?: string } = {}): ServeProcess {
      const child = new ServeProcess(spawn('ip', ['netns', 'exec', host.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd }), host);
      processes.add(child);
      return child;
    },
    /** SIGTERM to what still runs, SIGKILL after a grace period, then the namespaces go (and with them veths and iptables rules). */
    async cleanup(): Promise<string[]> {
      process.removeListener('exit', exitHook);
      await Promise.all([...processes].map((child) => child.stop(10_000).catch(() => undefined)));
      return cleanupSync();
    },
  };
  return lab;
}

export type Lab = ReturnType<typeof createLab>;

/** A child process with its output kept (not printed) for failure messages. */
export class ServeProcess {
  stdout = '';
  stderr = '';
  exitCode: number | null = null;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly child: ChildProcess,
    readonly host: Host,
  ) {
    child.stdout?.on('data', (d: Buffer) => void (this.stdout = (this.stdout + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => void (this.stderr = (this.stderr + d.toString()).slice(-20_000)));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? -1;
        this.signal = signal;
        resolve({ code, signal });
      });
      child.once('error', (error) => {
        this.stderr += `\nspawn error: ${error.message}`;
        this.exitCode = -1;
        resolve({ code: -1, signal: null });
      });
    });
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** Resolves once `pattern` appears on stderr; rejects when the process exits or time runs out. */
  async waitForStderr(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stderr)) {
      if (!this.running) throw new Error(`${this.host.name}: exited (${this.exitCode}, ${this.signal}) before ${pattern}: ${this.stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`${this.host.name}: no ${pattern} on stderr within ${timeoutMs / 1000} s: ${this.stderr.trim()}`);
      await sleep(100);
    }
  }

  /** SIGTERM, and SIGKILL if it has not exited within `graceMs`; resolves with how it ended. */
  async stop(graceMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    if (!this.running) return { code: this.exitCode, signal: this.signal, killed: false };
    this.child.kill('SIGTERM');
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    const ended = await Promise.race([this.exited, timer]);
    if (ended === 'timeout') {
      this.child.kill('SIGKILL');
      const after = await this.exited;
      return { ...after, killed: true };
    }
    return { ...ended, killed: false };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns something other than undefined/false; throws after `timeoutMs` with
 * `what`, the last probe value (or error) and `context()`.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, context?: () => string | Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = '';
    } catch (error) {
      last = `last probe failed: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) {
      const extra = context ? await Promise.resolve(context()).catch((e: Error) => e.message) : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `; ${last}` : ''}${extra ? `\n${extra}` : ''}`);
    }
    await sleep(500);
  }
}

/** iptables, installed with apt-get when missing (the loss scenario needs it; CI images should have it). */
export async function ensureIptables(): Promise<string> {
  const found = ['/usr/sbin/iptables', '/sbin/iptables', '/usr/bin/iptables'].find((p) => existsSync(p));
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = await runAsync('apt-get', ['install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=180', 'iptables'], { timeoutMs: 240_000, env });
  if (result.code !== 0) {
    await runAsync('apt-get', ['update', '-q', '-o', 'DPkg::Lock::Timeout=180'], { timeoutMs: 240_000, env });
    result = await runAsync('apt-get', ['install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=180', 'iptables'], { timeoutMs: 240_000, env });
  }
  const installed = ['/usr/sbin/iptables', '/sbin/iptables'].find((p) => existsSync(p));
  if (!installed) {
    throw new Error(`iptables is missing and apt-get install iptables failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}. CI must install the iptables package.`);
  }
  return installed;
}
