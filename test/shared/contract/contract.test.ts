import { reportsArea } from '../../../shared/contract/reports.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { actionsArea } from '../../../shared/contract/actions.js';
import { API_METHODS, contract, type ApiHandlers } from '../../../shared/contract/api.js';
import { bundlesArea } from '../../../shared/contract/bundles.js';
import { deviceArea } from '../../../shared/contract/device.js';
import { logArea } from '../../../shared/contract/log.js';
import { peopleArea } from '../../../shared/contract/people.js';
import { mergeDisjoint, method, type HandlersOf } from '../../../shared/contract/method.js';
import { syncArea } from '../../../shared/contract/sync.js';
import { transfersArea } from '../../../shared/contract/transfers.js';

describe('the contract', () => {
  it('is the areas merged: every method of every area, each once', () => {
    const areas = [logArea, actionsArea, peopleArea, syncArea, bundlesArea, deviceArea, reportsArea, transfersArea];
    const names = areas.flatMap((area) => Object.keys(area));
    expect(new Set(names).size).toBe(names.length);
    expect([...API_METHODS].sort()).toEqual([...names].sort());
    for (const area of areas) for (const [name, spec] of Object.entries(area)) expect(contract[name as keyof typeof contract]).toBe(spec);
  });

  it('refuses, when it runs, a method name that two areas define', () => {
    const one = { 'report.draft': method(z.strictObject({})).returns<string>() };
    const two = { 'report.draft': method(z.strictObject({ n: z.number() })).returns<number>() };
    // The types say no as well (see the next test); this is what happens if they were bypassed.
    const merge = mergeDisjoint as (what: string, ...maps: object[]) => unknown;
    expect(() => merge('the API contract', logArea, one, two)).toThrow('the API contract: "report.draft" is defined more than once');
    expect(() => merge('the backend handlers', { a: 1 }, { b: 2 }, { a: 3 })).toThrow('"a" is defined more than once');
  });

  it('does not compile a merge with a name defined twice, nor handlers that miss a method', () => {
    const again = { 'log.add': method(z.strictObject({})).returns<string>() };
    // @ts-expect-error 'log.add' is defined in logArea already
    expect(() => mergeDisjoint('x', logArea, again)).toThrow();

    type Sync = HandlersOf<typeof syncArea>;
    const partial = { 'team.create': () => ({ id: 'x', name: 'y' }) };
    // @ts-expect-error team.invite, team.join, peer.add, sync.status, peer.list and peer.remove are missing
    const handlers: Sync = partial;
    expect(handlers).toBe(partial);

    expectTypeOf<keyof ApiHandlers>().toEqualTypeOf<(typeof API_METHODS)[number]>();
    expectTypeOf<Parameters<ApiHandlers['action.status']>[0]['status']>().toEqualTypeOf<'open' | 'in_progress' | 'done' | 'not_done'>();
  });
});
