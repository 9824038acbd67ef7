import { Readable } from 'node:stream';
import { main, type Io } from '../../electron/cli/baken.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json(): any;
}

/** Runs `baken ARGS…` in this process, as the tests of the CLI do; `stdin` is what standard input holds (nothing by default). */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string | Buffer } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: options.env ?? {}, stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]) };
  const code = await main(args, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
