import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSqliteBinding, electronSqliteFile } from '../../electron/main/sqlite-binding.js';

/** Where the app finds the database module built for its Electron (the same name scripts/electron-sqlite.ts writes). */
describe('the app\'s database module', () => {
  const target = { electron: '41.7.1', platform: 'linux', arch: 'x64' };

  it('one folder per Electron version, platform and architecture, under the build output\'s native/', () => {
    expect(electronSqliteFile(join('/repo', 'dist'), target)).toBe(join('/repo', 'dist', 'native', 'electron-41.7.1-linux-x64', 'better_sqlite3.node'));
    expect(electronSqliteFile('/d', { ...target, electron: '42.0.0' })).not.toBe(electronSqliteFile('/d', target));
    expect(electronSqliteFile('/d', { ...target, arch: 'arm64' })).not.toBe(electronSqliteFile('/d', target));
    expect(electronSqliteFile('/d', { ...target, platform: 'darwin' })).not.toBe(electronSqliteFile('/d', target));
  });

  it('from source: the one npm start built; packaged: none, as electron-builder rebuilt node_modules\' own', () => {
    expect(appSqliteBinding({ packaged: false, dist: '/repo/dist', ...target })).toBe(electronSqliteFile('/repo/dist', target));
    expect(appSqliteBinding({ packaged: true, dist: '/repo/dist', ...target })).toBeUndefined();
  });
});
