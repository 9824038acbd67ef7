import { describe, expect, it } from 'vitest';
import type { SignedEntry } from '../../../shared/domain/entry.js';
import { type TestBackend } from '../../support/backend.js';
import { useLaptops } from '../../support/laptops.js';

/**
 * Situation reports through the API (docs/REPORTS.md): a draft proposes what no approved report
 * cites yet, approval freezes it as a signed entry, two laptops approving at once both keep their
 * report with a letter each, and an audience never sees what is classified above it.
 */
const T = Date.UTC(2026, 11, 1, 12, 0);

const openLaptop = useLaptops({ start: T, stepMs: 60_000 });
function laptop(name: string): TestBackend {
  const backend = openLaptop();
  void backend.api['device.set']({ name, function: 'IM', team: 'ROT Brabant-Noord', discipline: 'MULTI' });
  return backend;
}

function everything(backend: TestBackend): SignedEntry[] {
  return backend.store.list({}, { limit: 1000, order: 'oldest' }).entries.map(({ skewMs: _skew, ...entry }) => entry as SignedEntry);
}

function exchange(a: TestBackend, b: TestBackend) {
  b.store.ingest(everything(a));
  a.store.ingest(everything(b));
}

async function incidentWithLog(backend: TestBackend) {
  const api = backend.api;
  const { id } = await api['incident.create']({ title: 'Uitval netwerk', location: 'Eindhoven', grip: 1, classification: 'partner' });
  const melding = await api['log.add']({ incident: id, kind: 'melding', body: { text: 'Meldkamer onbereikbaar' }, classification: 'partner' });
  const secret = await api['log.add']({ incident: id, kind: 'beeld', body: { text: 'GEHEIM: bron bij Defensie' }, classification: 'intern' });
  const knelpunt = await api['log.add']({ incident: id, kind: 'knelpunt', body: { text: 'Geen C2000' }, classification: 'openbaar' });
  const besluit = await api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Opschalen naar GRIP 2' }, classification: 'partner' });
  const action = await api['action.add']({ incident: id, text: 'Noodstroom regelen', owner: 'Enexis', priority: 'HIGH', classification: 'partner' });
  await api['grip.set']({ incident: id, level: 2, reason: 'Effectbestrijding', classification: 'partner' });
  return { id, melding, secret, knelpunt, besluit, action };
}

describe('sitrep draft and approval', () => {
  it('proposes the log since the previous report by section, freezes it signed, and numbers the next one', async () => {
    const a = laptop('Anna de Vries');
    const { id, melding, secret, knelpunt, besluit, action } = await incidentWithLog(a);
    const draft = await a.api['sitrep.draft']({ incident: id });
    expect(draft.report).toMatchObject({ state: 'draft', number: 1, label: '1', id: null });
    const keys = (key: string) => draft.sections.find((s) => s.key === key)!.items.map((i) => i.entryId);
    expect(keys('picture')).toEqual([melding.id, secret.id]);
    expect(keys('judgement')).toEqual([knelpunt.id]);
    expect(keys('decisions')).toEqual([besluit.id]);
    expect(draft.actions.map((x) => x.entryId)).toEqual([action.id]);
    expect(draft.incident.gripLevel).toBe(2);
    expect(draft.sections.every((s) => s.items.every((i) => i.change === 'new'))).toBe(true);
    expect(draft.report.author).toContain('Anna de Vries');

    await a.api['sitrep.edit']({ incident: id, section: 'summary', text: 'Netwerk ligt eruit', textClassification: 'partner', nextDue: new Date(T + 3 * 3_600_000).toISOString() });
    await a.api['sitrep.edit']({ incident: id, drop: [secret.id.slice(0, 10)] });
    const approved = await a.api['sitrep.approve']({ incident: id });
    expect(approved).toMatchObject({ number: 1, version: 1, label: '1' });
    expect(approved.id).toMatch(/^[0-9a-f]{64}$/);

    // The next draft starts after what report 1 cites: the knelpunt stays (still open), the rest is gone.
    const next = await a.api['sitrep.draft']({ incident: id });
    expect(next.report).toMatchObject({ number: 2, previous: '1' });
    expect(next.sections.find((s) => s.key === 'picture')!.items).toEqual([]);
    expect(next.sections.find((s) => s.key === 'judgement')!.items.map((i) => [i.entryId, i.change])).toEqual([[knelpunt.id, 'unchanged']]);
    expect(next.sections.find((s) => s.key === 'summary')!.text).toBeNull();
    // A correction of something report 1 cited comes back, marked changed.
    await a.api['log.correct']({ target: melding.id, text: 'Meldkamer weer bereikbaar' });
    const corrected = await a.api['sitrep.draft']({ incident: id });
    const item = corrected.sections.find((s) => s.key === 'picture')!.items[0]!;
    expect([item.entryId, item.change, item.text, item.corrected]).toEqual([melding.id, 'changed', 'Meldkamer weer bereikbaar', true]);

    // Report 1 as approved: frozen, the correction written after it does not change it.
    const shown = await a.api['sitrep.show']({ report: approved.id.slice(0, 12) });
    expect(shown.problems).toEqual([]);
    expect(shown.signatureOk).toBe(true);
    expect(shown.verified).toBe(shown.cited);
    expect(shown.document.sections.find((s) => s.key === 'picture')!.items.map((i) => i.text)).toEqual(['Meldkamer onbereikbaar']);
    expect(shown.document.sections.find((s) => s.key === 'summary')!.text).toBe('Netwerk ligt eruit');
    expect(shown.document.report).toMatchObject({ state: 'approved', label: '1', nextDueAt: new Date(T + 3 * 3_600_000).toISOString() });
    const byNumber = await a.api['sitrep.show']({ report: '1', incident: id });
    expect(byNumber.summary.id).toBe(approved.id);
  });

  it('keeps both reports when two laptops approve at once, with a letter each, and numbers on from both', async () => {
    const a = laptop('Anna de Vries');
    const b = laptop('Bram Jansen');
    const { id } = await incidentWithLog(a);
    exchange(a, b);
    const first = await a.api['sitrep.approve']({ incident: id });
    await b.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Vliegveld dicht' } });
    const second = await b.api['sitrep.approve']({ incident: id });
    expect([first.number, second.number]).toEqual([1, 1]);
    exchange(a, b);
    const onA = await a.api['sitrep.list']({ incident: id });
    const onB = await b.api['sitrep.list']({ incident: id });
    expect(onA).toEqual(onB);
    expect(onA.map((r) => r.label).sort()).toEqual(['1A', '1B']);
    expect(new Set(onA.map((r) => r.id))).toEqual(new Set([first.id, second.id]));
    await expect(a.api['sitrep.show']({ report: '1', incident: id })).rejects.toThrow(/two devices approved report 1 at once/);
    const third = await a.api['sitrep.approve']({ incident: id });
    expect(third.label).toBe('2');
  });

  it('cuts a report down to its audience: nothing intern reaches a partner or public document', async () => {
    const a = laptop('Anna de Vries');
    const { id } = await incidentWithLog(a);
    await a.api['sitrep.edit']({ incident: id, section: 'forecast', text: 'GEHEIM: scenario uitval 48 uur' });
    for (const audience of ['partner', 'openbaar'] as const) {
      const doc = await a.api['sitrep.draft']({ incident: id, audience });
      const json = JSON.stringify(doc);
      expect(json).not.toContain('GEHEIM');
      expect(json).toContain(audience === 'partner' ? 'Meldkamer onbereikbaar' : 'Geen C2000');
      if (audience === 'openbaar') expect(json).not.toContain('Meldkamer onbereikbaar');
    }
    const intern = JSON.stringify(await a.api['sitrep.draft']({ incident: id, audience: 'intern' }));
    expect(intern).toContain('GEHEIM: bron bij Defensie');
    expect(intern).toContain('GEHEIM: scenario uitval 48 uur');
  });

  it('marks an exercise, and refuses what it cannot do in plain words', async () => {
    const a = laptop('Anna de Vries');
    const { id } = await a.api['incident.create']({ title: 'Oefening Waterdunen', exercise: true });
    expect((await a.api['sitrep.draft']({ incident: id })).exercise).toBe(true);
    await expect(a.api['sitrep.edit']({ incident: id, section: 'nonsense', text: 'x' })).rejects.toThrow(/no section nonsense/);
    await expect(a.api['sitrep.show']({ report: '4', incident: id })).rejects.toThrow(/no approved report yet/);
    await expect(a.api['sitrep.show']({ report: '4' })).rejects.toThrow(/needs its incident/);
  });

  it('reads the log again once anything of the incident, a profile or the team\'s template changed', async () => {
    const a = laptop('Anna de Vries');
    const { id } = await incidentWithLog(a);
    const before = await a.api['sitrep.draft']({ incident: id });
    expect((await a.api['sitrep.draft']({ incident: id })).sections).toEqual(before.sections);
    await a.api['log.add']({ incident: id, kind: 'melding', body: { text: 'Nieuw bericht' } });
    expect((await a.api['sitrep.draft']({ incident: id })).sections.find((s) => s.key === 'picture')!.items.at(-1)!.text).toBe('Nieuw bericht');
    await a.api['device.set']({ name: 'Anna Jansen' });
    expect((await a.api['sitrep.draft']({ incident: id })).report.author).toMatch(/^Anna Jansen/);
    await a.api['sitrep.template.set']({ sections: [{ key: 'picture', title: 'Alleen beeld', source: 'picture' }] });
    expect((await a.api['sitrep.draft']({ incident: id })).sections.map((s) => s.title)).toEqual(['Alleen beeld']);
  });

  it('uses the team\'s headings from a signed template: renamed, reordered and added sections', async () => {
    const a = laptop('Anna de Vries');
    const { id } = await incidentWithLog(a);
    await a.api['sitrep.template.set']({
      sections: [
        { key: 'decisions', title: 'Genomen besluiten', source: 'decisions' },
        { key: 'picture', title: 'Actueel beeld', titleEn: 'Current picture', source: 'picture' },
        { key: 'weather', title: 'Weer', source: 'free' },
      ],
    });
    const doc = await a.api['sitrep.draft']({ incident: id });
    expect(doc.sections.map((s) => [s.key, s.title])).toEqual([['decisions', 'Genomen besluiten'], ['picture', 'Actueel beeld'], ['weather', 'Weer']]);
    expect((await a.api['sitrep.draft']({ incident: id, lang: 'en' })).sections[1]!.title).toBe('Current picture');
    await a.api['sitrep.edit']({ incident: id, section: 'weather', text: 'Storm' });
    expect((await a.api['sitrep.draft']({ incident: id })).sections[2]!.text).toBe('Storm');
  });
});

describe('revisions, correction chains and what an approved report marks changed', () => {
  const itemsOf = (sections: readonly { key: string; items: readonly { text: string; change: string }[] }[]) =>
    sections.filter((s) => s.items.length > 0).map((s) => [s.key, s.items.map((i) => [i.text, i.change])]);

  it('revises a report from its own items as they read now, and leaves what no report cites yet to the next report', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id } = await api['incident.create']({ title: 'Uitval', grip: 1, classification: 'partner' });
    const melding = await api['log.add']({ incident: id, kind: 'melding', body: { text: 'Meldkamer onbereikbaar' } });
    await api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Opschalen' } });
    await api['sitrep.edit']({ incident: id, section: 'summary', text: 'Samenvatting 1' });
    await api['sitrep.approve']({ incident: id });
    await api['log.correct']({ target: melding.id, text: 'Meldkamer deels bereikbaar' });
    const expected = [['picture', [['Meldkamer deels bereikbaar', 'changed']]], ['decisions', [['Opschalen', 'unchanged']]]];
    const draft = await api['sitrep.draft']({ incident: id, revises: '1' });
    expect(draft.report).toMatchObject({ label: '1 v2', previous: '1' });
    expect(itemsOf(draft.sections)).toEqual(expected);
    expect(draft.sections.find((s) => s.key === 'summary')!.text).toBe('Samenvatting 1');
    const revision = await api['sitrep.approve']({ incident: id, revises: '1' });
    const shown = await api['sitrep.show']({ report: revision.id });
    expect(shown.document.report).toMatchObject({ label: '1 v2', previous: '1' });
    expect(itemsOf(shown.document.sections)).toEqual(expected);

    // With report 2 approved, an entry written after it goes to report 3, not into a revision of 1.
    await api['log.add']({ incident: id, kind: 'melding', body: { text: 'M2' } });
    await api['sitrep.approve']({ incident: id });
    await api['log.add']({ incident: id, kind: 'besluit', body: { text: 'Laat besluit' } });
    const again = await api['sitrep.approve']({ incident: id, revises: '1' });
    expect(again.label).toBe('1 v3');
    // '1' names version 1, so the correction is a change against the version this one revises.
    expect(itemsOf((await api['sitrep.show']({ report: again.id })).document.sections)).toEqual(expected);
    const next = await api['sitrep.draft']({ incident: id });
    expect(next.report).toMatchObject({ label: '3', previous: '2' });
    expect(itemsOf(next.sections)).toEqual([['decisions', [['Laat besluit', 'new']]]]);
  });

  it('follows a correction of a correction, in the draft, the approved report and the next draft', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id } = await api['incident.create']({ title: 'Uitval', grip: 1 });
    const melding = await api['log.add']({ incident: id, kind: 'melding', body: { text: '12 gewonden' } });
    const first = await api['log.correct']({ target: melding.id, text: '21 gewonden' });
    await api['log.correct']({ target: first.id, text: '2 gewonden' });
    const draft = await api['sitrep.draft']({ incident: id });
    expect(draft.sections.flatMap((s) => s.items.map((i) => [i.text, i.corrected]))).toEqual([['2 gewonden', true]]);
    const report = await api['sitrep.approve']({ incident: id });
    await api['log.correct']({ target: first.id, text: '3 gewonden' });
    expect(itemsOf((await api['sitrep.draft']({ incident: id })).sections)).toEqual([['picture', [['3 gewonden', 'changed']]]]);
    expect(itemsOf((await api['sitrep.show']({ report: report.id })).document.sections)).toEqual([['picture', [['2 gewonden', 'new']]]]);
  });

  it('shows a partner the end of the correction chain it may see, never an intern correction of a correction', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id } = await api['incident.create']({ title: 'Uitval', grip: 1, classification: 'partner' });
    const melding = await api['log.add']({ incident: id, kind: 'melding', body: { text: '12 gewonden' }, classification: 'partner' });
    const first = await api['log.correct']({ target: melding.id, text: '21 gewonden', classification: 'partner' });
    await api['log.correct']({ target: first.id, text: 'GEHEIM 2 gewonden', classification: 'intern' });
    const textFor = async (audience: 'intern' | 'partner') => (await api['sitrep.draft']({ incident: id, audience })).sections.flatMap((s) => s.items.map((i) => i.text));
    expect(await textFor('intern')).toEqual(['GEHEIM 2 gewonden']);
    expect(await textFor('partner')).toEqual(['21 gewonden']);
  });

  it('keeps a corrected title in the approved report and its CAP event', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id } = await api['incident.create']({ title: 'Brand Veldhoven chemiefabriek', grip: 2, classification: 'partner' });
    const opening = a.store.list({}, { limit: 10, order: 'oldest' }).entries.find((e) => e.kind === 'incident')!;
    const first = await api['log.correct']({ target: opening.id, text: 'Brand Eindhoven chemiefabrik' });
    await api['log.add']({ incident: id, kind: 'melding', body: { text: 'm' } });
    expect((await api['sitrep.draft']({ incident: id })).incident.title).toBe('Brand Eindhoven chemiefabrik');
    const report = await api['sitrep.approve']({ incident: id });
    expect((await api['sitrep.show']({ report: report.id })).document.incident.title).toBe('Brand Eindhoven chemiefabrik');
    expect((await api['export.render']({ incident: id, format: 'cap', audience: 'partner' })).content).toContain('<event>Brand Eindhoven chemiefabrik</event>');
    // A correction of that correction: the next report's title follows the chain.
    await api['log.correct']({ target: first.id, text: 'Brand Eindhoven chemiefabriek' });
    const next = await api['sitrep.approve']({ incident: id });
    expect((await api['sitrep.show']({ report: next.id })).document.incident.title).toBe('Brand Eindhoven chemiefabriek');
    expect((await api['sitrep.show']({ report: report.id })).document.incident.title).toBe('Brand Eindhoven chemiefabrik');
  });

  it('marks an action set to done and a resolved knelpunt changed in the approved report as in its draft', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id } = await api['incident.create']({ title: 'Uitval', grip: 1 });
    const action = await api['action.add']({ incident: id, text: 'Noodstroom regelen', owner: 'Enexis', priority: 'HIGH' });
    const knelpunt = await api['log.add']({ incident: id, kind: 'knelpunt', body: { text: 'Geen C2000' } });
    await api['sitrep.approve']({ incident: id });
    await api['action.status']({ action: action.id, status: 'done' });
    await api['knelpunt.resolve']({ knelpunt: knelpunt.id, reason: 'C2000 terug' });
    const said = (doc: { actions: readonly { change: string }[]; sections: readonly { key: string; changed: boolean; items: readonly { text: string; change: string }[] }[] }) => ({
      actions: doc.actions.map((x) => x.change), items: itemsOf(doc.sections), changed: doc.sections.filter((s) => s.changed).map((s) => s.key),
    });
    const draft = said(await api['sitrep.draft']({ incident: id }));
    expect(draft).toEqual({ actions: ['changed'], items: [['judgement', [['Geen C2000 [opgelost]', 'changed']]]], changed: ['judgement'] });
    const report = await api['sitrep.approve']({ incident: id });
    expect(said((await api['sitrep.show']({ report: report.id })).document)).toEqual(draft);
  });

  it('does not let a concurrent report with the same number change what an approved report says', async () => {
    const a = laptop('Anna de Vries');
    const b = laptop('Bram Jansen');
    const { id } = await a.api['incident.create']({ title: 'Uitval', grip: 1 });
    await a.api['log.add']({ incident: id, kind: 'melding', body: { text: 'm1' } });
    exchange(a, b);
    await a.api['sitrep.approve']({ incident: id });
    await b.api['log.add']({ incident: id, kind: 'melding', body: { text: 'm2' } });
    const onB = await b.api['sitrep.approve']({ incident: id });
    const before = (await b.api['sitrep.show']({ report: onB.id })).document;
    exchange(a, b);
    const after = (await b.api['sitrep.show']({ report: onB.id })).document;
    expect(after.report.label).toBe('1B');
    expect(after.report.previous).toBeNull();
    expect(itemsOf(after.sections)).toEqual(itemsOf(before.sections));
    expect(itemsOf(after.sections)).toEqual([['picture', [['m1', 'new'], ['m2', 'new']]]]);
  });

  it('fills only the first of two sections with the same source, so nothing is cited twice', async () => {
    const a = laptop('Anna de Vries');
    const api = a.api;
    const { id } = await api['incident.create']({ title: 'Uitval', grip: 1 });
    await api['sitrep.template.set']({ incident: id, sections: [
      { key: 'incident', title: 'Beeld incident', source: 'picture' },
      { key: 'hulpverlening', title: 'Beeld hulpverlening', source: 'picture' },
      { key: 'disciplines', title: 'Per discipline', source: 'disciplines' },
      { key: 'disciplines2', title: 'Nogmaals per discipline', source: 'disciplines' },
    ] });
    await api['log.add']({ incident: id, kind: 'melding', body: { text: 'Meldkamer onbereikbaar' } });
    const draft = await api['sitrep.draft']({ incident: id });
    expect(draft.sections.map((s) => [s.key, s.items.length])).toEqual([['incident', 1], ['hulpverlening', 0], ['disciplines', 0], ['disciplines2', 0]]);
    const report = await api['sitrep.approve']({ incident: id });
    const body = a.store.entry(report.id)!.body as { sections: { key: string; items: string[] }[] };
    expect(body.sections.map((s) => [s.key, s.items.length])).toEqual([['incident', 1], ['hulpverlening', 0], ['disciplines', 0], ['disciplines2', 0]]);
  });
});
