import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/backend/clock.js';
import { createEntryCheckPool } from '../../../electron/backend/entry-checks/pool.js';
import { CHECK_THREAD_FROM_BYTES, createBundleHandlers } from '../../../electron/backend/handlers/bundles.js';
import { createTransferStore } from '../../../electron/backend/transfers/transfer-store.js';
import { createTeam } from '../../../electron/backend/sync/team/team.js';
import { makeChain, makeSigner, nodeCrypto } from '../../support/entries.js';
import { allIds, CHAIN_T0, INCIDENT, ingestChain, useLaptops } from '../sync/bundle/laptops.js';

const { tempDir, laptop, bundleFile, exportAll } = useLaptops();

/** The bundle handlers of one laptop, with an entry check thread lent the way the backend lends it, counted. */
function handlersOf(backend: ReturnType<typeof laptop>) {
  const lends = { lent: 0, released: 0, warnings: [] as string[] };
  const handlers = createBundleHandlers({
    replica: backend.store, dataDir: backend.dataDir, now: () => CHAIN_T0, emit: () => {},
    transfers: createTransferStore({ dir: join(tempDir(), 'transfers'), clock: systemClock }),
    lendEntryChecker: async () => {
      const pool = createEntryCheckPool({ crypto: nodeCrypto, clock: systemClock, warn: (line) => lends.warnings.push(line) });
      await pool.start();
      lends.lent++;
      expect(pool.where()).toBe('worker');
      return { checker: pool, release: async () => { lends.released++; await pool.stop(); } };
    },
  });
  return { handlers, lends };
}

describe('bundle.import of a large bundle', () => {
  it('checks its entries on a thread lent for the import and stops that thread afterwards; a small one is checked here', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 4000, { text: (i) => `Melding ${i}: wateroverlast in de kelder van het gemaal, pomp draait op noodstroom` }));
    const large = bundleFile('large.baken');
    await exportAll(a, large);
    expect(statSync(large).size).toBeGreaterThanOrEqual(CHECK_THREAD_FROM_BYTES);
    const small = bundleFile('small.baken');
    const c = laptop();
    ingestChain(c, makeChain(makeSigner(), INCIDENT, 20));
    await exportAll(c, small);

    const b = laptop();
    const { handlers, lends } = handlersOf(b);
    const report = await handlers['bundle.import']({ file: large, anyTeam: true });
    expect(report).toMatchObject({ entries: 4000, added: 4000, rejected: [], complete: true });
    expect(allIds(b)).toEqual(allIds(a));
    expect(lends).toEqual({ lent: 1, released: 1, warnings: [] });

    await handlers['bundle.import']({ file: small, anyTeam: true });
    expect(lends).toMatchObject({ lent: 1, released: 1 });
  });

  it('stops the lent thread also when the import is refused', async () => {
    const a = laptop();
    ingestChain(a, makeChain(makeSigner(), INCIDENT, 4000, { text: (i) => `Melding ${i}: wateroverlast in de kelder van het gemaal, pomp draait op noodstroom` }));
    const large = bundleFile('large.baken');
    await exportAll(a, large);
    const b = laptop();
    createTeam(b.dataDir, 'Ander team', () => CHAIN_T0);
    const { handlers, lends } = handlersOf(b);
    await expect(handlers['bundle.import']({ file: large, anyTeam: false })).rejects.toThrow(/not from this device's team/);
    expect(lends).toMatchObject({ lent: 1, released: 1 });
    expect(b.store.count()).toBe(0);
  });
});
