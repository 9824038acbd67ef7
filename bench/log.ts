import type { BenchArea } from './lib/area.js';
import { measureAppend } from './log/append.js';
import { measureIngest } from './log/ingest.js';
import { measureLayouts } from './log/layouts.js';
import { measurePipelinedIngest } from './log/ingest-pipeline.js';
import { measureMigration } from './log/migrate.js';
import { measureSearch } from './log/search.js';
import { measureWriterParts } from './log/writer-parts.js';
import { printSections } from './lib/report.js';

const FULL = { appends: 2000, appendWarmup: 100, ingest: 100_000, ingestBatch: 1000, upgrade: 200_000, rewrite: 80_000, searchEntries: 1_000_000, buildBatch: 5000, queries: 100 };
const QUICK = { appends: 200, appendWarmup: 20, ingest: 10_000, ingestBatch: 1000, upgrade: 20_000, rewrite: 4_000, searchEntries: 50_000, buildBatch: 5000, queries: 20 };

const area: BenchArea = {
  description: 'the situation log store: append latency, ingest throughput, bytes written per entry by layout, search and open on 1M entries, upgrading a 200k log',
  async run({ quick }) {
    const size = quick ? QUICK : FULL;
    const sections = [
      await measureAppend(size.appends, size.appendWarmup),
      await measureIngest(size.ingest, size.ingestBatch),
      await measurePipelinedIngest(size.ingest, size.ingestBatch),
      await measureWriterParts(size.ingest, size.ingestBatch),
      await measureLayouts(size.ingest, size.ingestBatch),
      await measureSearch(size.searchEntries, size.buildBatch, size.queries),
      measureMigration(size.upgrade, size.buildBatch, size.rewrite),
    ];
    printSections(sections);
  },
};

export default area;
