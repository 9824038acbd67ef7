import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openLogDatabase, type SqliteDatabase } from '../../../electron/backend/store/database.js';
import { createLogStore } from '../../../electron/backend/store/index.js';
import type { Replica } from '../../../electron/backend/replica/replica.js';
import { nodeCrypto } from '../../support/entries.js';
import { useTempDirs } from '../../support/temp.js';
import { describeReplica } from './replica-suite.js';

const tempDir = useTempDirs();
const opened: SqliteDatabase[] = [];
// Registered after useTempDirs, so databases close before their folders go.
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describeReplica('SQLite store', ({ signer, now, maxSkewMs, waitingRoom }): Replica => {
  const db = openLogDatabase(join(tempDir(), 'log.db'));
  opened.push(db);
  return createLogStore({ db, signer, crypto: nodeCrypto, now, maxSkewMs, waitingRoom });
});
