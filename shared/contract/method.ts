import type { z } from 'zod';

/**
 * One API method: the zod schema its input must pass, and (as a type only) what it returns. An area
 * of the contract (log, actions, sync, bundles, …) is a map of method name → MethodSpec; the one
 * contract is the areas merged, and no two areas may define the same name.
 */
export interface MethodSpec<Input extends z.ZodType = z.ZodType, Output = unknown> {
  readonly input: Input;
  /** Never set: carries the output type, so input and output are declared side by side. */
  readonly output?: Output;
}

/** `method(schema).returns<View>()` declares a method whose input is validated by `schema`. */
export function method<Input extends z.ZodType>(input: Input) {
  return { returns: <Output>(): MethodSpec<Input, Output> => ({ input }) };
}

export type Area = Record<string, MethodSpec>;

export type InputOf<S> = S extends MethodSpec<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<S> = S extends MethodSpec<infer I, unknown> ? z.output<I> : never;
export type OutputOf<S> = S extends MethodSpec<z.ZodType, infer O> ? O : never;

/** What a backend implements for one area (or for the whole contract): every method, given its parsed input. */
export type HandlersOf<A extends Area> = { [M in keyof A]: (input: ParsedInputOf<A[M]>) => OutputOf<A[M]> | Promise<OutputOf<A[M]>> };

/** What a client calls: raw input in (validated by the backend), the output or a thrown BakenError out. */
export type ClientOf<A extends Area> = { [M in keyof A]: (input: InputOf<A[M]>) => Promise<OutputOf<A[M]>> };

/** Names that occur in more than one of the maps, left to right. */
export type DuplicateNames<Maps extends readonly object[], Seen extends PropertyKey = never> = Maps extends readonly [infer Head, ...infer Rest extends readonly object[]]
  ? (keyof Head & Seen) | DuplicateNames<Rest, Seen | keyof Head>
  : never;

/** Makes a call with duplicate names fail to compile, naming them. */
export type Disjoint<Maps extends readonly object[]> = [DuplicateNames<Maps>] extends [never] ? unknown : { 'defined more than once': DuplicateNames<Maps> };

type Merge<Maps extends readonly object[]> = Maps extends readonly [infer Head, ...infer Rest extends readonly object[]] ? Head & Merge<Rest> : unknown;
export type Merged<Maps extends readonly object[]> = { [K in keyof Merge<Maps>]: Merge<Maps>[K] };

/**
 * Merges maps whose names must not overlap (contract areas, handler groups): an overlap is a compile
 * error where the types are known, and always an error when it runs, so one group can never
 * silently replace another's method.
 */
export function mergeDisjoint<const Maps extends readonly object[]>(what: string, ...maps: Maps & Disjoint<Maps>): Merged<Maps> {
  const merged: Record<string, unknown> = {};
  for (const map of maps as readonly object[]) {
    for (const [name, value] of Object.entries(map)) {
      if (Object.hasOwn(merged, name)) throw new Error(`${what}: ${JSON.stringify(name)} is defined more than once`);
      merged[name] = value;
    }
  }
  return merged as Merged<Maps>;
}
