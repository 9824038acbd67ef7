import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportBundle } from '../../../../electron/backend/sync/bundle/export.js';
import { importBundle, type ImportBundleOptions } from '../../../../electron/backend/sync/bundle/import.js';
import { BakenError } from '../../../../shared/contract/errors.js';
import { allIds, cleanReport, expectHealthy, linesOf, T, TEAM, useLaptops, writeLog } from './laptops.js';

const { tempDir, laptop, bundleFile, exportAll } = useLaptops();

/** The importing laptop's team, another than the one the bundles are written in (TEAM). */
const OURS = { id: 'gbt-zuid', name: 'GBT Zuid' };
const HEADER_KEYS = ['format', 'version', 'created', 'device', 'team', 'entries', 'clock'];

/** A bundle of TEAM with 6 entries, and a copy of it whose header `change` rewrote (the checksum then no longer matches). */
async function bundleWithHeader(change: (header: Record<string, unknown>) => void, rewrite = (json: string) => json) {
  const a = laptop();
  await writeLog(a, 5);
  const out = bundleFile();
  await exportAll(a, out);
  const lines = linesOf(out);
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  change(header);
  const file = join(tempDir(), 'changed.baken');
  writeFileSync(file, [rewrite(JSON.stringify(header)), ...lines.slice(1)].join('\n'));
  return { a, out, file };
}

/** Imports into a fresh laptop; returns what happened and how many entries the laptop then holds. */
async function importInto(file: string, options: ImportBundleOptions) {
  const b = laptop();
  try {
    const report = await importBundle(b.store, file, options);
    return { b, report, error: null, held: b.store.count() };
  } catch (error) {
    expect(error).toBeInstanceOf(BakenError);
    return { b, report: null, error: error as BakenError, held: b.store.count() };
  }
}

describe('bundle header from a newer Baken (same version, more fields)', () => {
  it('imports it as intact: unknown header fields are ignored, and dropped from the header it reports', async () => {
    const { a, file } = await bundleWithHeader((h) => {
      h.app = 'Baken 1.4';
      h.team = { ...(h.team as object), colour: 'red' };
    }, (json) => json.replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'));
    const b = laptop();
    const report = await importBundle(b.store, file, { team: TEAM });
    expect(report).toMatchObject({ entries: 6, added: 6, rejected: [], header: { team: TEAM, entries: 6 } });
    // Only the checksum (the header was rewritten after export) is wrong; the header itself is not damaged.
    expect(report.problems).toEqual([expect.stringMatching(/checksum \(sha256\) does not match/)]);
    expect(Object.keys(report.header!)).toEqual(HEADER_KEYS);
    expect(report.header!.team).toEqual(TEAM);
    expect(Object.hasOwn(report.header!, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(allIds(b)).toEqual(allIds(a));
    await expectHealthy(b);
  });

  it('refuses it when it comes from another team, storing nothing, unless anyTeam', async () => {
    const { a, file } = await bundleWithHeader((h) => (h.app = 'Baken 1.4'));
    const refused = await importInto(file, { team: OURS });
    expect(refused.report).toBeNull();
    expect(refused.error!.code).toBe('invalid-input');
    expect(refused.error!.message).toMatch(/comes from team "ROT Test" \(veiligheidsregio-test\), not from this device's team "GBT Zuid" \(gbt-zuid\); nothing was imported\. .*--any-team/);
    expect(refused.held).toBe(0);

    const { report, held, b } = await importInto(file, { team: OURS, anyTeam: true });
    expect(report).toMatchObject({ entries: 6, added: 6, rejected: [] });
    expect(held).toBe(6);
    expect(allIds(b)).toEqual(allIds(a));
  });

  it('still counts a known field of the wrong shape as damaged', async () => {
    const { file } = await bundleWithHeader((h) => {
      h.app = 'Baken 1.4';
      h.entries = '6';
    });
    const { report } = await importInto(file, { team: TEAM });
    expect(report).toMatchObject({ entries: 6, added: 6, header: null, complete: false });
    expect(report!.problems[0]).toMatch(/^the header is damaged \(entries: /);
    expect(report!.problems[0]).not.toMatch(/app/);
  });
});

describe('bundle as a newer Baken (still version 1) may write it', () => {
  it('imports it as complete: unknown fields in the header, its team and the end marker are ignored', async () => {
    const a = laptop();
    await writeLog(a, 5);
    const out = bundleFile();
    await exportAll(a, out);
    const lines = linesOf(out);
    const header = { ...JSON.parse(lines[0]!), app: 'Baken 1.4', team: { ...TEAM, colour: 'red' } };
    const body = [JSON.stringify(header), ...lines.slice(1, -2)].map((l) => `${l}\n`).join('');
    const trailer = { end: 'baken-bundle', entries: 6, sha256: createHash('sha256').update(body).digest('hex'), signedBy: null };
    const file = join(tempDir(), 'newer.baken');
    writeFileSync(file, `${body}${JSON.stringify(trailer)}\n`);

    const b = laptop();
    const report = await importBundle(b.store, file, { team: TEAM });
    expect(report).toEqual(cleanReport(6));
    expect(report.header).toEqual({ ...JSON.parse(lines[0]!), team: TEAM });
    expect(allIds(b)).toEqual(allIds(a));
    const refused = await importInto(file, { team: OURS });
    expect(refused.error!.message).toMatch(/comes from team "ROT Test"/);
    expect(refused.held).toBe(0);
  });
});

describe('team check on a damaged header', () => {
  const damaged: [string, (h: Record<string, unknown>) => void][] = [
    ['created with an offset', (h) => (h.created = String(h.created).replace('Z', '+00:00'))],
    ['device not hex', (h) => (h.device = 'laptop-3')],
    ['team name too long', (h) => (h.team = { id: TEAM.id, name: 'x'.repeat(300) })],
    ['team name missing', (h) => (h.team = { id: TEAM.id })],
    ['clock not an object', (h) => (h.clock = 'none')],
  ];

  it.each(damaged)('refuses another team\'s bundle whose header is damaged (%s), storing nothing, unless anyTeam', async (_, change) => {
    const { a, file } = await bundleWithHeader(change);
    const refused = await importInto(file, { team: OURS });
    expect(refused.report).toBeNull();
    expect(refused.error!.code).toBe('invalid-input');
    expect(refused.error!.message).toMatch(/comes from team .*veiligheidsregio-test.*not from this device's team "GBT Zuid" \(gbt-zuid\); nothing was imported\. .*--any-team/);
    expect(refused.held).toBe(0);

    const anyway = await importInto(file, { team: OURS, anyTeam: true });
    expect(anyway.report).toMatchObject({ entries: 6, added: 6, header: null, complete: false });
    expect(anyway.report!.problems[0]).toMatch(/^the header is damaged/);
    expect(allIds(anyway.b)).toEqual(allIds(a));
  });

  it('imports a damaged header of the same team, reporting the damage', async () => {
    const { a, file } = await bundleWithHeader((h) => (h.created = 'gisteren'));
    const { report, b } = await importInto(file, { team: TEAM });
    expect(report).toMatchObject({ entries: 6, added: 6, header: null, complete: false });
    expect(report!.problems[0]).toMatch(/^the header is damaged \(created: /);
    expect(allIds(b)).toEqual(allIds(a));
  });

  it('shows a long team id of a damaged header cut short', async () => {
    const { file } = await bundleWithHeader((h) => (h.team = { id: 'y'.repeat(5000), name: 'Ander team' }));
    const { error, held } = await importInto(file, { team: OURS });
    expect(error!.message).toMatch(/comes from team "Ander team" \(y+…\)/);
    expect(error!.message.length).toBeLessThan(1000);
    expect(held).toBe(0);
  });

  const unreadable: [string, (h: Record<string, unknown>) => void][] = [
    ['missing', (h) => delete h.team],
    ['a number', (h) => (h.team = 42)],
    ['a string', (h) => (h.team = TEAM.id)],
    ['an id that is not a string', (h) => (h.team = { id: 7, name: TEAM.name })],
    ['an object without id', (h) => (h.team = { name: TEAM.name })],
  ];

  it.each(unreadable)('refuses a bundle whose team cannot be read (team %s) on a device with a team, unless anyTeam', async (_, change) => {
    const { a, file } = await bundleWithHeader(change);
    for (const team of [OURS, TEAM]) {
      const refused = await importInto(file, { team });
      expect(refused.report).toBeNull();
      expect(refused.error!.code).toBe('invalid-input');
      expect(refused.error!.message).toMatch(/the team it comes from cannot be read .*; nothing was imported\. .*--any-team/);
      expect(refused.error!.message).toContain(`"${team.name}" (${team.id})`);
      expect(refused.held).toBe(0);
    }

    const anyway = await importInto(file, { team: OURS, anyTeam: true });
    expect(anyway.report).toMatchObject({ entries: 6, added: 6, header: null, complete: false });
    expect(anyway.report!.problems[0]).toMatch(/^the header is damaged \(team[.:]/);
    expect(allIds(anyway.b)).toEqual(allIds(a));

    // A device without a team checks no team (as for an intact header).
    const teamless = await importInto(file, { team: null });
    expect(teamless.report).toMatchObject({ entries: 6, added: 6, header: null, complete: false });
  });

  it('imports a damaged header that says it has no team, as an intact one without team', async () => {
    const { file } = await bundleWithHeader((h) => {
      h.team = null;
      h.created = 'gisteren';
    });
    const { report } = await importInto(file, { team: OURS });
    expect(report).toMatchObject({ entries: 6, added: 6, header: null, complete: false });
  });
});

describe('bundle export header', () => {
  it('writes only the team\'s id and name', async () => {
    const a = laptop();
    await writeLog(a, 2);
    const out = bundleFile();
    const team = { ...TEAM, secret: 'not for the stick' };
    await exportBundle(a.store, { out, device: a.identity.publicKeyHex, team, now: () => T });
    const header = JSON.parse(linesOf(out)[0]!);
    expect(Object.keys(header)).toEqual(HEADER_KEYS);
    expect(header.team).toEqual(TEAM);
    expect(await importBundle(laptop().store, out, { team: TEAM })).toEqual(cleanReport(3));
  });
});
