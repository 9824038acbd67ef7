import { resolve } from 'node:path';
import type { Backend } from '../backend/index.js';

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
  /** Progress of a long operation (stderr, throttled). */
  progress?(text: string): void;
  /** Called by long-running commands once they are up (tests wait for it). */
  ready?(info: unknown): void;
  /** Opens the backend on first use; `init` opens it with create=true, `serve` with a network. */
  backend(options?: { create?: boolean; network?: { listen: string[]; mdns: boolean; peers?: string[] } }): Backend;
}

export interface Command {
  path: string[];
  summary: string;
  positionals?: { name: string; description: string }[];
  flags?: Record<string, FlagSpec>;
  examples?: string[];
  run(ctx: CommandContext): Promise<unknown>;
  /** Plain-text rendering for people; JSON is printed with --json. */
  human(result: never): string;
  /** Exit code for a successful run whose result still means failure (verify). */
  exitCode?(result: never): number;
}

export function defineCommand<R>(command: Omit<Command, 'run' | 'human' | 'exitCode'> & {
  run(ctx: CommandContext): Promise<R>;
  human(result: R): string;
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

export function oneOf<T extends string>(ctx: CommandContext, name: string, allowed: Record<string, T>): T | undefined {
  const value = optionalFlag(ctx, name);
  if (value === undefined) return undefined;
  const found = allowed[value.toLowerCase()];
  if (!found) throw new UsageError(`--${name} must be one of ${[...new Set(Object.values(allowed))].join(', ')}, not ${JSON.stringify(value)}`);
  return found;
}

/** Accepts ISO 8601 with or without offset (without: this laptop's local time) and returns UTC. */
export function instantFlag(ctx: CommandContext, name: string): string | undefined {
  const value = optionalFlag(ctx, name);
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) ? Date.parse(value.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be a date and time like 2026-11-22T14:05 or 2026-11-22T14:05:00+01:00, not ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

export function positional(ctx: CommandContext, index: number, name: string): string {
  const value = ctx.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`${name} is required`);
  return value;
}

export const CLASSIFICATION_FLAG: FlagSpec = { type: 'string', value: 'intern|partner|openbaar', description: 'who may see the entry (default intern)' };
export const CLASSES = { intern: 'intern', internal: 'intern', partner: 'partner', openbaar: 'openbaar', public: 'openbaar' } as const;

export function listFlag(ctx: CommandContext, name: string): string[] {
  const value = ctx.flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** A path given on the command line, made absolute against the current directory. */
export function pathArgument(value: string): string {
  return resolve(value);
}
