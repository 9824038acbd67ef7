import { parseArgs } from 'node:util';
import type { Backend } from '../backend/index.js';
import { resolveDataDir } from './data-dir.js';
import { exitCodeFor, toErrorData } from '../../shared/contract/errors.js';
import { UsageError, type Command, type CommandContext, type FlagSpec } from './command.js';
import { COMMANDS } from './commands/index.js';

const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', value: 'DIR', description: 'data directory (default: $BAKEN_DATA, else the app\'s per-user folder)' },
  json: { type: 'boolean', description: 'print machine-readable JSON' },
  help: { type: 'boolean', description: 'show help' },
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Standard input, for `--text -` (default: this process's). */
  stdin?: AsyncIterable<Uint8Array | string>;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env };

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let backend: Backend | undefined;
  try {
    const { command, rest } = findCommand(argv);
    if (!command) return printGroupHelp(argv, io);
    const { values, positionals } = parse(command, rest);
    if (values.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const dataDir = resolveDataDir(typeof values.data === 'string' ? values.data : undefined, io.env);
    const ctx: CommandContext = {
      flags: values, positionals, dataDir, env: io.env, stdin: (maxBytes) => readAtMost(io.stdin ?? process.stdin, maxBytes),
      note: (text) => io.err(`${text}\n`), progress: throttled((text) => io.err(`${text}\n`)),
      backend: (options) => (backend ??= createBackend({ dataDir, create: options?.create ?? false, network: options?.network })),
    };
    const expected = command.positionals?.length ?? 0;
    if (command.path[0] !== 'search' && command.path[0] !== 'team' && positionals.length > expected) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[expected])}`);
    // Loaded only now that a command runs: --help, --version and argument errors never load SQLite or libp2p.
    const { createBackend } = await import('../backend/index.js');
    const result = await command.run(ctx);
    io.out(values.json ? `${JSON.stringify(result)}\n` : `${command.human(result as never)}\n`);
    return command.exitCode ? command.exitCode(result as never) : 0;
  } catch (error) {
    return report(error, io);
  } finally {
    await backend?.stop();
  }
}

/** One line on stderr; the exit code follows from the error's code (2: fix what you typed, 1: anything else). */
export function report(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`baken: ${error.message}\n`);
    return 2;
  }
  const data = toErrorData(error);
  io.err(`baken: ${data.message}\n`);
  return exitCodeFor(data.code);
}

/** The command is the longest run of leading words (skipping global flags) that names one. */
function findCommand(argv: string[]): { command: Command | undefined; rest: string[] } {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--data') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    words.push(i);
  }
  for (let n = words.length; n >= 1; n--) {
    const path = words.slice(0, n).map((i) => argv[i]!);
    const command = COMMANDS.find((c) => c.path.length === n && c.path.every((p, k) => p === path[k]));
    if (command) return { command, rest: argv.filter((_, i) => !words.slice(0, n).includes(i)) };
  }
  return { command: undefined, rest: argv };
}

function parse(command: Command, args: string[]) {
  const flags = { ...GLOBAL_FLAGS, ...command.flags };
  const options = Object.fromEntries(Object.entries(flags).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]));
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]!.replace(/^Unknown option/, 'unknown option')} (see: baken ${command.path.join(' ')} --help)`);
  }
}

function printGroupHelp(argv: string[], io: Io): number {
  const words = argv.filter((a, i) => !a.startsWith('-') && argv[i - 1] !== '--data');
  const group = words[0] && COMMANDS.some((c) => c.path[0] === words[0]) ? words[0] : undefined;
  const asked = argv.includes('--help') || argv.includes('-h') || argv.length === 0 || (group !== undefined && words.length === 1);
  if (argv.includes('--version')) {
    io.out('baken 0.1.0\n');
    return 0;
  }
  const list = COMMANDS.filter((c) => !group || c.path[0] === group);
  const text = [
    'Baken: a crisis team\'s signed, append-only situation log.',
    '',
    `Usage: baken [--data DIR] [--json] ${group ?? '<command>'}${group ? ' <command>' : ''} [flags]`,
    '',
    'Commands:',
    ...list.map((c) => `  ${c.path.join(' ').padEnd(18)} ${c.summary}`),
    '',
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Run baken <command> --help for its flags.',
  ].join('\n');
  if (asked) {
    io.out(`${text}\n`);
    return 0;
  }
  io.err(`baken: unknown command ${JSON.stringify(words.join(' '))}\n${text}\n`);
  return 2;
}

function commandHelp(command: Command): string {
  const args = (command.positionals ?? []).map((p) => ` ${p.name}`).join('');
  return [
    `baken ${command.path.join(' ')}${args} [flags]`,
    '',
    command.summary,
    ...(command.positionals?.length ? ['', 'Arguments:', ...command.positionals.map((p) => `  ${p.name.padEnd(24)} ${p.description}`)] : []),
    ...(command.flags ? ['', 'Flags:', ...flagLines(command.flags)] : []),
    '',
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS),
    ...(command.examples?.length ? ['', 'Examples:', ...command.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

function flagLines(flags: Record<string, FlagSpec>): string[] {
  return Object.entries(flags).map(([name, spec]) => {
    const left = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    return `  ${left.padEnd(32)} ${spec.description}${spec.required ? ' (required)' : ''}`;
  });
}

/** Reads a stream to its end as UTF-8, or null as soon as it holds more than `maxBytes` (a text too long is not read whole). */
async function readAtMost(stream: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += bytes.length;
    if (size > maxBytes) return null;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** At most one progress line every half second, so a 100k-entry bundle does not flood the terminal. */
function throttled(write: (text: string) => void): (text: string) => void {
  let last = 0;
  return (text) => {
    const now = Date.now();
    if (now - last < 500) return;
    last = now;
    write(text);
  };
}
