import { actionsArea } from './actions.js';
import { bundlesArea } from './bundles.js';
import { deviceArea } from './device.js';
import type { CallResult } from './errors.js';
import type { Subscribe } from './events.js';
import { logArea } from './log.js';
import { mergeDisjoint, type ClientOf, type HandlersOf, type InputOf, type OutputOf } from './method.js';
import { peopleArea } from './people.js';
import { reportsArea } from './reports.js';
import { syncArea } from './sync.js';
import { transfersArea } from './transfers.js';

/**
 * The whole surface between a user interface (CLI, Electron window, headless host) and the backend:
 * the areas' methods merged into one map. Adding an area (reports, say) means one new file here and
 * one handler group in the backend; a name two areas both define does not compile, and throws at
 * startup if the types were bypassed.
 */
export const contract = mergeDisjoint('the API contract', logArea, actionsArea, peopleArea, syncArea, bundlesArea, deviceArea, reportsArea, transfersArea);

export type Contract = typeof contract;
export type ApiMethod = keyof Contract & string;
export type ApiInput<M extends ApiMethod> = InputOf<Contract[M]>;
export type ApiOutput<M extends ApiMethod> = OutputOf<Contract[M]>;

/** What a backend implements: every method, with its parsed input. A missing handler is a compile error. */
export type ApiHandlers = HandlersOf<Contract>;

/** What a client calls: raw input in, validated by the backend; failures are thrown as BakenError. */
export type ApiClient = ClientOf<Contract>;

/** Calls one method by name with raw input; never throws: the error comes back as data. */
export type Invoke = (method: string, input: unknown) => Promise<CallResult<unknown>>;

/** What every user interface gets, whatever carries it: typed methods, raw invoke, typed events. */
export interface BackendSurface {
  api: ApiClient;
  invoke: Invoke;
  on: Subscribe;
}

export const API_METHODS = Object.keys(contract) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(contract, name);
}

// The views user interfaces read most, importable from here too (each is owned by its area's file).
export type { ActionView } from './actions.js';
export type { BundleImportView } from './bundles.js';
export type { IdentityChoiceView, OriginView } from './device.js';
export type { IncidentStateView, IncidentSummary, LogEntryView, VerifyView } from './log.js';
export type { DeviceView, PersonView } from './people.js';
export type { SyncStatusView } from './sync.js';
