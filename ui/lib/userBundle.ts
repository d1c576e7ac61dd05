// What `faultline ui --workload FILE [--scenario FILE]` hands the page: the users' workload
// modules (as URLs the dev server serves, and as the CLI argument that names them) and
// scenario files that are not in the catalogue, as the module `virtual:faultline-user`
// (userBundlePlugin.ts), which the CLI fills at serve time (cli/serve.ts); a plain build
// has an empty one.
//
// Contract: every realm that runs a simulation (the page, its simulation workers) loads
// the modules before it parses or builds anything, so workloads are found by name there
// as in the CLI; lockstep Web Workers get the same URLs from the registry.
import bundle from 'virtual:faultline-user';
import { loadWorkloadModules } from '../../sim/workloads/userWorkload.ts';

export interface UserBundle {
  workloads: { url: string; arg: string }[];
  scenarios: { fileName: string; text: string; ref: string }[];
}

export const USER_BUNDLE: UserBundle = bundle;

export function loadUserWorkloads(): Promise<void> {
  return loadWorkloadModules(USER_BUNDLE.workloads.map((w) => w.url));
}

/** ` --workload FILE ...` for the replay commands the page prints. */
export function userWorkloadArgs(): string {
  return USER_BUNDLE.workloads.map((w) => ` --workload ${w.arg}`).join('');
}
