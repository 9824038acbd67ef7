/**
 * Child process for the interrupted-migration and interrupted-rewrite tests (test/support/killed-open.ts), run as
 *   node --import tsx test/support/migrate-child.ts DATABASE_FILE
 * Opens the log as Baken does, which applies any missing migration; the parent kills it part-way.
 */
import { openLogDatabase } from '../../electron/backend/store/database.js';

const [file] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: migrate-child.ts DATABASE_FILE\n');
  process.exit(2);
}
openLogDatabase(file).close();
