// node --import <this file> …: writes `baken-load URL` to stderr for every module the process loads
// (test/cli/startup.test.ts reads them). The hook runs on Node's loader thread, so it is given as a data: URL.
import { register } from 'node:module';

const hook = `export async function load(url, context, next) {
  const result = await next(url, context);
  process.stderr.write('baken-load ' + url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
