import { BAKEN_VERSION } from '../../shared/version.js';
import { parseArgs } from 'node:util';
import type { Backend } from '../backend/index.js';
import { resolveDataDir } from './data-dir.js';
import { chooseLang, outputView } from './presenter.js';
import type { PersonView } from '../../shared/contract/people.js';
import { exitCodeFor, toErrorData } from '../../shared/contract/errors.js';
import { printable, terminalJson } from '../../shared/present/safe-text.js';
import { choicesText, UsageError, type Command, type CommandContext, type FlagSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { createProgressDisplay } from './progress.js';
import { closest, didYouMean, joinOr } from './suggest.js';
import { chooseZone, timeView } from './time.js';

const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', value: 'DIR', description: 'data directory (default: $BAKEN_DATA, else the app\'s per-user folder)' },
  tz: { type: 'string', value: 'ZONE', description: 'time zone for times you type and read, e.g. Europe/Amsterdam (default: $TZ, else this computer\'s)' },
  json: { type: 'boolean', description: 'print machine-readable JSON (times in UTC)' },
  help: { type: 'boolean', description: 'show help' },
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal (progress is a bar redrawn in place), and how wide it is. */
  errIsTTY?: boolean;
  errColumns?: number;
  /** Epoch ms (default Date.now): what "today" is for times typed and shown, and the pace of progress. */
  now?: () => number;
  /** Standard input, for `--text -` (default: this process's). */
  stdin?: AsyncIterable<Uint8Array | string>;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  // A dumb terminal moves to the line's start on \r but prints the code that clears the rest as text.
  errIsTTY: process.stderr.isTTY === true && process.env.TERM !== 'dumb',
  errColumns: process.stderr.columns,
};

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
    const zone = chooseZone(typeof values.tz === 'string' ? values.tz : undefined, io.env);
    if (!zone.ok) throw new UsageError(zone.problem);
    const now = io.now ?? Date.now;
    const time = timeView(zone.zone, now());
    const ctx: CommandContext = {
      flags: values, positionals, dataDir, time, env: io.env, stdin: (maxBytes) => readAtMost(io.stdin ?? process.stdin, maxBytes),
      note: (text) => io.err(`${text}\n`),
      say: (text) => io.out(`${text}\n`),
      progress: createProgressDisplay({ write: io.err, isTTY: io.errIsTTY ?? false, columns: io.errColumns }, { now }),
      // A serving node runs on: what it notices (a check thread that fell back, a peer's protocol
      // strike) goes to stderr, each line marked as the node's. One-shot commands stay quiet.
      backend: (options) => (backend ??= createBackend({
        dataDir, create: options?.create ?? false, network: options?.network, window: options?.window,
        // A line may quote a peer (its error frame's message): escaped like any text from another device.
        ...(options?.network ? { log: (line: string) => io.err(`baken serve: ${printable(line)}\n`) } : {}),
      })),
    };
    const expected = command.positionals?.length ?? 0;
    if (command.path[0] !== 'search' && command.path[0] !== 'team' && positionals.length > expected) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[expected])}`);
    // Loaded only now that a command runs: --help, --version and argument errors never load SQLite or libp2p.
    const { createBackend } = await import('../backend/index.js');
    const result = await command.run(ctx);
    if (values.json) io.out(`${terminalJson(command.json ? command.json(result as never) : result)}\n`);
    else io.out(`${command.human(result as never, outputView(time, chooseLang(io.env), await peopleOf(backend)))}\n`);
    return command.exitCode ? command.exitCode(result as never) : 0;
  } catch (error) {
    return report(error, io);
  } finally {
    await backend?.stop();
  }
}

/** Who is who, for output that names people; nobody when the command opened no log (or may not read it). */
async function peopleOf(backend: Backend | undefined): Promise<PersonView[]> {
  if (!backend) return [];
  return backend.api['people.list']({}).catch(() => []);
}

/**
 * One line on stderr; the exit code follows from the error's code (2: fix what you typed, 1: anything else).
 * A message may quote what a file, a peer or an invite held, so it is made safe for the terminal too.
 */
export function report(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`baken: ${printable(error.message)}\n`);
    return 2;
  }
  const data = toErrorData(error);
  io.err(`baken: ${printable(data.message)}\n`);
  return exitCodeFor(data.code);
}

/** `--data DIR`, `--tz ZONE`: a global flag whose value is the next word (not a command word). */
function takesNextWord(arg: string): boolean {
  return arg.startsWith('--') && !arg.includes('=') && GLOBAL_FLAGS[arg.slice(2)]?.type === 'string';
}

/** Positions of the words before any flag's value: where the command is named. */
function commandWords(argv: string[], max: number): number[] {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < max; i++) {
    const arg = argv[i]!;
    if (takesNextWord(arg)) i++;
    else if (!arg.startsWith('-')) words.push(i);
  }
  return words;
}

/** The command is the longest run of leading words (skipping global flags) that names one. */
function findCommand(argv: string[]): { command: Command | undefined; rest: string[] } {
  const words = commandWords(argv, 2);
  for (let n = words.length; n >= 1; n--) {
    const path = words.slice(0, n).map((i) => argv[i]!);
    const command = COMMANDS.find((c) => c.path.length === n && c.path.every((p, k) => p === path[k]));
    if (command) return { command, rest: argv.filter((_, i) => !words.slice(0, n).includes(i)) };
  }
  return { command: undefined, rest: argv };
}

/**
 * The command's flags and arguments. Read leniently by parseArgs and checked here, so each mistake
 * gets its own plain message: an unknown option (with what was probably meant), an option without
 * its value, a value given to a switch, and an option that takes one value given twice (the last
 * one silently winning could file a melding as a besluit).
 */
function parse(command: Command, args: string[]) {
  const flags: Record<string, FlagSpec> = { ...GLOBAL_FLAGS, ...command.flags };
  const options = Object.fromEntries(Object.entries(flags).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]));
  const { tokens } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: false, tokens: true });
  const see = `(see: baken ${command.path.join(' ')} --help)`;
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = flags[token.name];
    if (!spec) {
      const hint = token.rawName.startsWith('--') ? didYouMean(token.name, Object.keys(flags), (name) => `--${name}`) : '';
      throw new UsageError(`unknown option '${printableArg(token.rawName)}'${hint} ${see}`);
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${token.name} takes no value, not ${JSON.stringify(token.value)} ${see}`);
      values[token.name] = true;
      continue;
    }
    // `--text --json`: the value was forgotten and the next option taken for it. A value may start with one dash (-5 graden).
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new UsageError(`--${token.name} needs a value${spec.value ? ` (${spec.value})` : ''}; to give one that starts with --, write --${token.name}=VALUE ${see}`);
    }
    const previous = values[token.name];
    if (spec.multiple) values[token.name] = [...(Array.isArray(previous) ? previous : []), token.value];
    else if (typeof previous === 'string') throw new UsageError(`--${token.name} given twice (${JSON.stringify(previous)} and ${JSON.stringify(token.value)}); give it once`);
    else values[token.name] = token.value;
  }
  return { values, positionals };
}

/** What a person typed, echoed in a message: control characters escaped, as JSON.stringify does. */
function printableArg(arg: string): string {
  return JSON.stringify(arg).slice(1, -1);
}

function printGroupHelp(argv: string[], io: Io): number {
  const words = commandWords(argv, Infinity).map((i) => argv[i]!);
  const group = words[0] && COMMANDS.some((c) => c.path[0] === words[0]) ? words[0] : undefined;
  const asked = argv.includes('--help') || argv.includes('-h') || argv.length === 0 || (group !== undefined && words.length === 1);
  if (argv.includes('--version')) {
    io.out(`baken ${BAKEN_VERSION}\n`);
    return 0;
  }
  const list = COMMANDS.filter((c) => !group || c.path[0] === group);
  const text = [
    'Baken: a crisis team\'s signed, append-only situation log.',
    '',
    `Usage: baken [--data DIR] [--tz ZONE] [--json] ${group ?? '<command>'}${group ? ' <command>' : ''} [flags]`,
    '',
    'Commands:',
    ...list.map((c) => `  ${c.path.join(' ').padEnd(Math.max(...list.map((l) => l.path.join(' ').length)))}  ${c.summary}`),
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
  const hint = suggestCommand(words);
  io.err(hint ? `baken: unknown command ${JSON.stringify(words.join(' '))}${hint} (baken --help lists every command)\n` : `baken: unknown command ${JSON.stringify(words.join(' '))}\n${text}\n`);
  return 2;
}

/** "; did you mean "incident list"?" for a mistyped group or command word (or both), else empty. */
function suggestCommand(words: string[]): string {
  const [first, second] = words;
  if (first === undefined) return '';
  const subcommands = (group: string) => COMMANDS.filter((c) => c.path[0] === group && c.path.length === 2).map((c) => c.path[1]!);
  const groups = COMMANDS.some((c) => c.path[0] === first) ? [first] : closest(first, COMMANDS.map((c) => c.path[0]!));
  const paths: string[] = [];
  for (const group of groups) {
    const subs = subcommands(group);
    if (second === undefined || subs.length === 0) {
      paths.push(group);
      continue;
    }
    const near = closest(second, subs);
    if (near.length > 0) paths.push(...near.map((word) => `${group} ${word}`));
    else if (group !== first) paths.push(group);
  }
  return paths.length === 0 ? '' : `; did you mean ${joinOr(paths.map((p) => JSON.stringify(p)))}?`;
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
    const choices = spec.choices ? `; ${choicesText(spec.choices)}` : '';
    return `  ${left.padEnd(32)} ${spec.description}${spec.required ? ' (required)' : ''}${choices}`;
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
