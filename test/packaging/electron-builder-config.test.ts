import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

/** Packaging cannot run here (it downloads Electron), so the config is at least checked against electron-builder's schema. */
describe('electron-builder.yml', () => {
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword({ keyword: 'typeof', validate: (type: string, data: unknown) => typeof data === type });
  const validate = ajv.compile(schema);

  it('validates against app-builder-lib/scheme.json', () => {
    const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(config.productName).toBe('Baken');
    expect(config.appId).toBe('nl.baken.situatielog');
    // What the app runs must be in what is packaged: main, preload, the window, and the icon.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main/main.js');
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/shell/**', 'dist/renderer/**', 'package.json']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**']));
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(expect.arrayContaining(['nsis', 'portable']));
    expect(config.mac.target).toEqual(expect.arrayContaining(['dmg']));
    expect(existsSync(join(ROOT, config.icon))).toBe(true);
  });

  it('the schema check rejects a wrong config (so the test above can fail)', () => {
    expect(validate({ appId: 'x', linux: { target: 42 }, notAnOption: true })).toBe(false);
  });
});
