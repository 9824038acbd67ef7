import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { formatZodIssues } from '../../../../shared/domain/entry.js';
import { BakenError } from '../../../../shared/contract/errors.js';
import { writeFileAtomicStream } from '../../files/atomic-write.js';
import { createChainMerge } from '../../replica/chain-merge.js';
import { planSends, type AuthorSend } from '../../replica/plan.js';
import type { Replica } from '../../replica/replica.js';
import type { SyncClock } from '../protocol.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleEntryLine, bundleHeaderSchema, PARTIAL_SUFFIX, type BundleTrailer } from './format.js';

/** What an export reads from the log. */
export type BundleSource = Pick<Replica, 'author' | 'authorHeads' | 'chainAfter' | 'idsAtSeq'>;

export interface ExportBundleOptions {
  /** Final file name; the bundle is written to `out + '.partial'`, synced, then renamed. */
  out: string;
  /** The receiver's clock: export only what it lacks. Absent: export everything. */
  since?: SyncClock;
  /** The exporting device (author key, 64 hex). */
  device: string;
  team?: { id: string; name: string } | null;
  onProgress?(done: number, total: number): void;
  /** Epoch ms, for the header's `created`. */
  now: () => number;
}

export interface ExportBundleResult {
  entries: number;
  bytes: number;
  file: string;
}

const EXPORT_PAGE = 1000;

/** One author's part of an export: planSends' rule, and how many entries that was when it started. */
interface AuthorPlan extends AuthorSend {
  count: number;
}

/**
 * Writes a bundle of what the receiver lacks (everything, without `since`). The file appears under
 * its final name only once it is complete and synced to the medium.
 */
export async function exportBundle(store: BundleSource, options: ExportBundleOptions): Promise<ExportBundleResult> {
  const heads = store.authorHeads();
  const plans: AuthorPlan[] = [];
  let total = 0;
  const holds = (author: string, seq: number, id: string) => store.idsAtSeq(author, seq).includes(id);
  for (const plan of planSends(heads, options.since, holds).sends) {
    // Counting first, because the header states the count. Entries appended or received meanwhile
    // are left out (the `until` and `count` bounds), so the header always tells the truth.
    const planned = boundedChains(store, [{ ...plan, count: Number.MAX_SAFE_INTEGER }]);
    let count = 0;
    let cursor = plan.from;
    for (let pages = 1; ; pages++) {
      const page = planned.chainAfter(plan.author, cursor.seq, cursor.id, EXPORT_PAGE);
      if (page.length === 0) break;
      count += page.length;
      cursor = page[page.length - 1]!;
      if (pages % 20 === 0) await yieldToEventLoop();
    }
    if (count > 0) plans.push({ ...plan, count });
    total += count;
  }
  const header = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    created: new Date(options.now()).toISOString(),
    device: options.device,
    // Only the fields the format names (the header schema would let others through).
    team: options.team ? { id: options.team.id, name: options.team.name } : null,
    entries: total,
    clock: Object.fromEntries(heads) as SyncClock,
  };
  const checked = bundleHeaderSchema.safeParse(header);
  if (!checked.success) throw new BakenError('invalid-input', `cannot write a bundle: ${formatZodIssues(checked.error, 'header.')}`);

  const { out } = options;
  const written = await writeFileAtomicStream(out, async (sink) => {
    const hash = createHash('sha256');
    sink.onChunk = (bytes) => hash.update(bytes);
    await sink.push(`${JSON.stringify(header)}\n`);
    let done = 0;
    options.onProgress?.(0, total);
    // In time order across authors, as a sync session sends: the importer stores rows by time.
    const merge = createChainMerge(boundedChains(store, plans));
    for (const plan of plans) merge.queue(plan.author, plan.from);
    for (let page = merge.take(EXPORT_PAGE, () => true); page.length > 0; page = merge.take(EXPORT_PAGE, () => true)) {
      for (const entry of page) await sink.push(bundleEntryLine(entry));
      done += page.length;
      options.onProgress?.(done, total);
    }
    if (done !== total) throw new Error(`internal: counted ${total} entries but wrote ${done}`);
    await sink.drain();
    sink.onChunk = null;
    const trailer: BundleTrailer = { end: BUNDLE_FORMAT, entries: total, sha256: hash.digest('hex') };
    await sink.push(`${JSON.stringify(trailer)}\n`);
  }, { doing: `writing the bundle ${out}`, partialFile: out + PARTIAL_SUFFIX });
  return { entries: total, bytes: written, file: out };
}

/** Each planned author's chain as chainAfter reads it, ending at its plan's `until` and `count`. */
function boundedChains(store: BundleSource, plans: readonly AuthorPlan[]): Pick<BundleSource, 'chainAfter'> {
  const left = new Map(plans.map((plan) => [plan.author, { until: plan.until, count: plan.count }]));
  return {
    chainAfter(author, seq, id, limit) {
      const bound = left.get(author);
      if (!bound || bound.count === 0) return [];
      const chunk = store.chainAfter(author, seq, id, Math.min(limit, bound.count));
      const within = chunk.findIndex((entry) => entry.seq > bound.until);
      const taken = within === -1 ? chunk : chunk.slice(0, within);
      bound.count -= taken.length;
      return taken;
    },
  };
}
