import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Backend } from '../backend/index.js';
import { BakenError } from '../../shared/contract/errors.js';
import type { ProgressEvent } from '../../shared/contract/events.js';
import { didYouMean } from './suggest.js';
import type { OutputView } from './presenter.js';
import type { TimeView } from './time.js';

/** A wrong flag or argument: exit code 2 and a one-line message naming it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help as the value's placeholder. */
  value?: string;
  required?: boolean;
  /** May be given more than once (collected into a list). */
  multiple?: boolean;
  /**
   * The words accepted for the value, each mapped to what it means (`hoog` → `HIGH`), as `oneOf`
   * takes them; help lists the synonyms, so what it documents is what is accepted.
   */
  choices?: Record<string, string>;
}

export interface CommandContext {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  dataDir: string;
  /** The environment (BAKEN_OPERATOR names the person at the keyboard for a whole shell). */
  env: NodeJS.ProcessEnv;
  /** Standard input as text, at most `maxBytes` of it (a command reading `--text -`); null when there was more. */
  stdin(maxBytes: number): Promise<string | null>;
  /** A side note for people (stderr), kept out of the --json output. */
  note(text: string): void;
  /** A line on stdout while a long-running command still runs (the window's address serve --ui prints), before any result. */
  say(text: string): void;
  /** Shows a long operation's progress events on stderr: a live bar on a terminal, a line every few seconds elsewhere. */
  progress(event: ProgressEvent): void;
  /** This invocation's time zone and "now": how times are read (instantFlag) and shown. */
  time: TimeView;
  /** Called by long-running commands once they are up (tests wait for it). */
  ready?(info: unknown): void;
  /** Opens the backend on first use; `init` opens it with create=true, `serve` with a network and maybe a window. */
  backend(options?: { create?: boolean; network?: { listen: string[]; mdns: boolean; peers?: string[] }; window?: { rendererDir: string; port?: number } }): Backend;
}

export interface Command {
  path: string[];
  summary: string;
  positionals?: { name: string; description: string }[];
  flags?: Record<string, FlagSpec>;
  examples?: string[];
  run(ctx: CommandContext): Promise<unknown>;
  /** Plain-text rendering for people: times in the invocation's zone (`view.at`), people by name (`view.presenter`); JSON is printed with --json. */
  human(result: never, view: OutputView): string;
  /** What --json prints, when not the whole result (log show prints the raw entry, not what the card needed). */
  json?(result: never): unknown;
  /** Exit code for a successful run whose result still means failure (verify). */
  exitCode?(result: never): number;
}

export function defineCommand<R>(command: Omit<Command, 'run' | 'human' | 'json' | 'exitCode'> & {
  run(ctx: CommandContext): Promise<R>;
  human(result: R, view: OutputView): string;
  json?(result: R): unknown;
  exitCode?(result: R): number;
}): Command {
  return command as unknown as Command;
}

export function requiredFlag(ctx: CommandContext, name: string): string {
  const value = ctx.flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optionalFlag(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function intFlag(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const value = optionalFlag(ctx, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * A value from a fixed list, in English or Dutch (`hoog`, `niet gedaan`): case, spaces, dashes and
 * underscores do not matter. A near miss is answered with what was probably meant.
 */
export function oneOf<T extends string>(ctx: CommandContext, name: string, allowed: Record<string, T>): T | undefined {
  const value = optionalFlag(ctx, name);
  if (value === undefined) return undefined;
  const words = new Map(Object.entries(allowed).map(([word, meaning]) => [choiceKey(word), { word, meaning }]));
  const found = words.get(choiceKey(value));
  if (!found) {
    const hint = didYouMean(choiceKey(value), words.keys(), (key) => JSON.stringify(words.get(key)!.word));
    throw new UsageError(`--${name} must be ${choicesText(allowed)}, not ${JSON.stringify(value)}${hint}`);
  }
  return found.meaning;
}

function choiceKey(word: string): string {
  return word.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/** "one of LOW (laag), AVERAGE (gemiddeld), HIGH (hoog), URGENT": each value, then the other words for it. */
export function choicesText(allowed: Record<string, string>): string {
  const others = new Map<string, string[]>();
  for (const [word, meaning] of Object.entries(allowed)) {
    const list = others.get(meaning) ?? [];
    if (choiceKey(word) !== choiceKey(meaning) && !list.some((w) => choiceKey(w) === choiceKey(word))) list.push(word.replace(/_/g, ' '));
    others.set(meaning, list);
  }
  return `one of ${[...others].map(([meaning, words]) => (words.length ? `${meaning} (${words.join(', ')})` : meaning)).join(', ')}`;
}

/**
 * A moment as a person types it (14:05, 2026-11-22 14:05, 2026-11-22, with or without an offset),
 * read in the invocation's zone (--tz, $TZ or the system's); returns UTC ISO, as the API takes it.
 * A time that happens twice is taken as the first, and a note on stderr says so.
 */
export function instantFlag(ctx: CommandContext, name: string): string | undefined {
  const value = optionalFlag(ctx, name);
  if (value === undefined) return undefined;
  const parsed = ctx.time.parse(value);
  if (!parsed.ok) throw new UsageError(`--${name}: ${parsed.problem}`);
  if (parsed.note) ctx.note(`--${name}: ${parsed.note}`);
  return new Date(parsed.ms).toISOString();
}

export function positional(ctx: CommandContext, index: number, name: string): string {
  const value = ctx.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`${name} is required`);
  return value;
}

export const CLASSES = { intern: 'intern', internal: 'intern', partner: 'partner', openbaar: 'openbaar', public: 'openbaar' } as const;
export const CLASSIFICATION_FLAG: FlagSpec = { type: 'string', value: 'intern|partner|openbaar', description: 'who may see the entry (default intern)', choices: CLASSES };

export function listFlag(ctx: CommandContext, name: string): string[] {
  const value = ctx.flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** A path given on the command line, made absolute against the current directory. */
export function pathArgument(value: string): string {
  return resolve(value);
}

/**
 * Shows the progress of one long operation the command starts: returns the operation id to pass to
 * the API, and only that operation's events reach the display (not those of another operation the
 * same backend runs, such as an import the window started).
 */
export function followProgress(ctx: CommandContext, backend: Backend): string {
  const operation = `cli-${randomUUID()}`;
  backend.on('progress', (event) => {
    if (event.operation === operation) ctx.progress(event);
  });
  return operation;
}

/**
 * An API call the backend refuses without confirmation (a `conflict` on `field`: the same GRIP
 * level again, a deadline that has passed), its refusal said in the CLI's words, naming --force.
 */
export async function confirmed<T>(call: Promise<T>, field: string, message: () => string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof BakenError && error.code === 'conflict' && error.field === field) throw new BakenError('conflict', message(), { field, cause: error });
    throw error;
  }
}
