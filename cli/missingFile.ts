// Why a path the user named cannot be opened although they may see it listed: a symbolic
// link that loops or leads nowhere is not "no such file" (it is there, in `ls`), nor an
// ELOOP dump; every reader of a named file says the same thing of it.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';

/** How a path that names a symbolic link leads nowhere (a loop, or a missing target); null when it is no such link. */
export function brokenLink(path: string): string | null {
  try {
    if (!lstatSync(path).isSymbolicLink()) return null;
  } catch {
    return null;
  }
  try {
    realpathSync(path);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ELOOP' ? 'that loops (it leads back to itself)' : `to ${JSON.stringify(readlinkSync(path))}, which does not exist`;
  }
}

/**
 * What to say of a path that cannot be opened because nothing is at its end: "no such file",
 * or that it is a symbolic link that loops or leads nowhere, with the fix.
 */
export function missingFile(path: string): string {
  const link = brokenLink(path);
  return link === null ? 'no such file' : `is a symbolic link ${link}: point it at the file, or name the file itself`;
}
