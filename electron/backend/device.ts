import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BakenError } from '../../shared/contract/errors.js';
import type { EntryCrypto } from '../../shared/domain/entry.js';
import type { Clock } from './clock.js';
import { storageError } from './errors.js';
import { createNodeEntryCrypto } from './node-crypto.js';
import { openLogDatabase } from './store/database.js';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from './store/identity.js';
import { createLogStore, type LogStore } from './store/index.js';
import { loadSqliteModule } from './store/sqlite-module.js';

export const DATABASE_FILE = 'baken.db';

export interface DeviceOptions {
  dataDir: string;
  clock: Clock;
  /** Entries stamped further ahead than this are flagged as clock skew (default 5 minutes). */
  maxSkewMs?: number;
  /** Make the data directory when missing (the app and `baken init` do; other commands refuse). */
  create?: boolean;
  /** The better_sqlite3.node to load instead of node_modules' own (store/sqlite-module.ts). */
  nativeBinding?: string;
}

/** This laptop's side of the log: its data directory, its signing key and its database. */
export interface Device {
  readonly dataDir: string;
  readonly identity: DeviceIdentity;
  readonly store: LogStore;
  /** The hashing and signature checks the store uses, for what else needs them (derived state). */
  readonly crypto: EntryCrypto;
  close(): void;
}

export function openDevice({ dataDir, clock, maxSkewMs, create = false, nativeBinding }: DeviceOptions): Device {
  // First, before the folder or the key is made: a module that cannot load must leave nothing behind.
  const sqlite = loadSqliteModule(nativeBinding);
  prepareDataDir(dataDir, create);
  const identity = loadOrCreateDeviceIdentity(dataDir);
  const file = join(dataDir, DATABASE_FILE);
  const db = openLogDatabase(file, sqlite);
  const crypto = createNodeEntryCrypto();
  let store: LogStore;
  try {
    store = createLogStore({ db, signer: identity, crypto, now: clock.now, maxSkewMs });
  } catch (error) {
    db.close();
    throw storageError(error, `opening the log database ${file}`);
  }
  let closed = false;
  return {
    dataDir,
    identity,
    store,
    crypto,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

function prepareDataDir(dataDir: string, create: boolean): void {
  let isFile = false;
  try {
    isFile = !statSync(dataDir).isDirectory();
  } catch {
    // Missing (init makes it) or unreadable (the database open says why).
  }
  if (isFile) {
    const database = basename(dataDir) === DATABASE_FILE ? `; it looks like the log database itself: the data directory is the folder that holds it, ${dirname(dataDir)}` : '';
    throw new BakenError('invalid-input', `the data directory ${dataDir} is a file, not a folder${database}`);
  }
  if (!create) {
    if (!existsSync(join(dataDir, DATABASE_FILE))) throw new BakenError('not-initialised', `no Baken log in ${dataDir}; run: baken --data ${dataDir} init`);
    return;
  }
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && !statSync(dataDir).isDirectory()) {
      throw new BakenError('invalid-input', `the data directory ${dataDir} is a file, not a folder`, { cause: error });
    }
    throw storageError(error, `creating the data directory ${dataDir}`, { path: join(dataDir, DATABASE_FILE) });
  }
}
