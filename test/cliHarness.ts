// Runs the faultline CLI in-process with captured output, for the CLI-level tests.
import { main, mainAsync } from '../cli/main.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function cli(...argv: string[]): CliResult {
  let out = '';
  let err = '';
  const code = main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; }, errIsTty: false, cwd: process.cwd() });
  return { code, out, err };
}

/** The same for commands that may be asynchronous (--workload, --workers), in a given directory. */
export async function cliAsync(cwd: string, ...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await mainAsync(argv, { out: (s) => { out += s; }, err: (s) => { err += s; }, errIsTty: false, cwd });
  return { code, out, err };
}
