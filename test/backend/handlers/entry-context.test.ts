import { describe, expect, it } from 'vitest';
import { useLaptops } from '../../support/laptops.js';

/**
 * What a page of the log carries besides its entries, so the window can show each in words: the
 * corrections of an entry (read for all the page's incidents in one query), what a status refers
 * to, and the GRIP level before a GRIP change.
 */
const T = 1_790_000_000_000;
const laptop = useLaptops({ start: T });

describe('the context of each entry on a page', () => {
  it('a page across incidents shows each entry its own corrections, and nothing of another incident', async () => {
    const a = laptop();
    const { id: north } = await a.api['incident.create']({ title: 'Stroomstoring Noord' });
    const { id: south } = await a.api['incident.create']({ title: 'Stroomstoring Zuid' });
    const inNorth = await a.api['log.add']({ incident: north, kind: 'melding', body: { text: 'Wijk 3 zonder stroom' } });
    const inSouth = await a.api['log.add']({ incident: south, kind: 'melding', body: { text: 'Ziekenhuis op noodstroom' } });
    const untouched = await a.api['log.add']({ incident: south, kind: 'melding', body: { text: 'Verkeerslichten uit' } });
    const fixNorth = await a.api['log.correct']({ target: inNorth.id, text: 'Wijk 3 en 4 zonder stroom', reason: 'tweede melding' });
    await a.api['log.correct']({ target: inSouth.id, text: 'Ziekenhuis sinds 14:10 op noodstroom', reason: 'tijd aangevuld' });
    const fixSouth = await a.api['log.correct']({ target: inSouth.id, text: 'Ziekenhuis sinds 14:05 op noodstroom', reason: 'tijd gecorrigeerd' });

    const page = await a.api['log.list']({ kind: 'melding', limit: 50 });
    const contextOf = (id: string) => page.entries.find((e) => e.id === id)!.context;
    expect(contextOf(inNorth.id).corrections.map((c) => c.id)).toEqual([fixNorth.id]);
    expect(contextOf(inSouth.id).corrections.map((c) => c.text)).toEqual(['Ziekenhuis sinds 14:10 op noodstroom', 'Ziekenhuis sinds 14:05 op noodstroom']);
    expect(contextOf(untouched.id).corrections).toEqual([]);

    // A correction refers to what it corrects, shown with that entry's latest text.
    const corrections = await a.api['log.list']({ kind: 'correctie', limit: 50 });
    const refers = corrections.entries.find((e) => e.id === fixSouth.id)!.context.refersTo;
    expect(refers).toEqual({ id: inSouth.id, kind: 'melding', text: 'Ziekenhuis sinds 14:05 op noodstroom' });
  });

  it('a GRIP change carries the level before it, per incident', async () => {
    const a = laptop();
    const { id: north } = await a.api['incident.create']({ title: 'Dijkdoorbraak', grip: 1 });
    const { id: south } = await a.api['incident.create']({ title: 'Gaslek' });
    const northTwo = await a.api['grip.set']({ incident: north, level: 2, reason: 'opschaling' });
    const southOne = await a.api['grip.set']({ incident: south, level: 1, reason: 'eerste opschaling' });
    const page = await a.api['log.list']({ kind: 'grip', limit: 50 });
    const before = (id: string) => page.entries.find((e) => e.id === id)!.context.gripBefore;
    expect(before(northTwo.id)).toBe(1);
    expect(before(southOne.id)).toBeNull();
  });
});
