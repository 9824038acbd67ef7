import { main, type Io } from '../../electron/cli/baken.js';

/** `baken --data DATA ARGS…` run in this process (no child, no build), its output and exit code captured. */
export async function runCli(data: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: {} };
  const code = await main(['--data', data, ...args], io);
  return { code, stdout, stderr };
}

/** runCli with --json, parsed; a command that does not exit 0 fails the test with its stderr. */
export async function jsonCli(data: string, ...args: string[]): Promise<any> {
  const result = await runCli(data, ...args, '--json');
  if (result.code !== 0) throw new Error(`baken ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
