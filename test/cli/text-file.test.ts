import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-main.js';
import { useTempDirs } from '../support/temp.js';

const TOO_LONG = /^baken: the text in .* is longer than at most 20,000 characters an entry holds: split it over several entries\n$/;

/**
 * Writes up to `total` bytes (`text`, else zeros) into the FIFO at `path` from another process, so
 * the CLI reading it in this one cannot be the writer. Resolves with how many bytes the reader took
 * before it closed its end (EPIPE): what --text-file read, give or take the pipe's buffer. Killed
 * after 20 s, so a CLI that never opens the FIFO fails the test instead of leaving the writer behind.
 */
function writeIntoFifo(path: string, options: { total?: number; text?: string }): Promise<number> {
  const script = `
    const fs = require('node:fs');
    const fd = fs.openSync(process.argv[1], 'w');
    const text = process.argv[3];
    const chunk = text ? Buffer.from(text) : Buffer.alloc(65536);
    const total = text ? chunk.length : Number(process.argv[2]);
    let written = 0;
    try {
      while (written < total) written += fs.writeSync(fd, chunk, 0, Math.min(chunk.length, total - written));
    } catch (error) {
      if (error.code !== 'EPIPE') throw error;
    }
    process.stdout.write(String(written));
  `;
  const child = spawn(process.execPath, ['-e', script, path, String(options.total ?? 0), options.text ?? ''], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 20_000 });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`the FIFO writer exited with ${code}`))));
  });
}

describe('--text-file that is not a regular file', () => {
  const tempDir = useTempDirs();

  function fifo(): string {
    const path = join(tempDir(), 'tekst.fifo');
    execFileSync('mkfifo', [path]);
    return path;
  }

  const add = (data: string, incident: string, file: string) =>
    runCli(['--data', data, 'log', 'add', '--incident', incident, '--kind', 'beeld', '--text-file', file, '--json']);

  it('refuses a FIFO holding more than an entry after reading no more than the limit', async () => {
    const path = fifo();
    const writing = writeIntoFifo(path, { total: 32 * 1024 * 1024 });
    const result = await add(tempDir(), 'incident', path);
    const taken = await writing;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(TOO_LONG);
    // The limit is 64,096 bytes; the rest of the margin is what the pipe buffers.
    expect(taken).toBeLessThan(2 * 1024 * 1024);
  });

  it.skipIf(!existsSync('/dev/zero'))('refuses a device that never ends, such as /dev/zero', async () => {
    const result = await add(tempDir(), 'incident', '/dev/zero');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(TOO_LONG);
  });

  it('takes a text that fits from a FIFO, as from <(command)', async () => {
    const data = tempDir();
    const cli = (...args: string[]) => runCli(['--data', data, ...args]);
    expect((await cli('init', '--name', 'Anna de Vries', '--function', 'IM')).code).toBe(0);
    const incident = (await cli('incident', 'create', '--title', 'Uitval NAFIN', '--grip', '1', '--json')).json().id as string;
    const path = fifo();
    const writing = writeIntoFifo(path, { text: 'Beeld via een pijp: coördinatie via satelliet\n' });
    const added = await add(data, incident, path);
    await writing;
    expect(added.code, added.stderr).toBe(0);
    expect((await cli('log', 'show', added.json().id, '--json')).json().body.text).toBe('Beeld via een pijp: coördinatie via satelliet');
  });
});
