// The text of a file a user names, decoded strictly: faultline reads and writes UTF-8.
//
// Contract: utf8Text(bytes, named, what) is the bytes as UTF-8 text (a UTF-8 byte order
// mark kept, for the caller's parser to skip), or a UsageError that names the file and what
// it is instead: UTF-16 text, binary (a NUL byte, with its position), or bytes that are not
// UTF-8 (a Latin-1 file would otherwise read with U+FFFD in place of its accents, silently).
// `named` is how the message names the file (with its flag, if any); `what` what the file
// should have been ("JSON text", "a YAML or JSON scenario").
import { UsageError } from './args.ts';

export function utf8Text(bytes: Uint8Array, named: string, what: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) throw new UsageError(`${named} is UTF-16 text; save it as UTF-8`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UsageError(`${named} holds a NUL byte (at byte ${nul}): it is binary, not ${what}; is it the right file?`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UsageError(`${named} is not valid UTF-8 text (binary, or saved as Latin-1 or another encoding); save it as UTF-8`);
  }
}
