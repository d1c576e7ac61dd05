// Message integrity for the KV service and its Raft traffic: a CRC-32 over the message's
// canonical JSON, carried in a `sum` field.
//
// Contract: `seal` adds the checksum to a freshly built message (in place: callers pass
// literals they do not reuse); `unseal` returns the message without its checksum, or null
// when the checksum is missing or wrong. This is what a real service gets from TCP and
// record checksums. Without it, a corrupted message whose fields keep valid types (a term
// of 2^53, an entry's data replaced by junk) passes validation: the catalogue's byzantine
// scenarios found both (a cluster stuck forever on a corrupted term; an entry applied as
// junk). It is not a MAC against a forger who knows the algorithm; forged senders are
// caught by checking the claimed sender against the network's.
import { crc32 } from '../raft/crc32.ts';

export function seal<T extends object>(msg: T): T & { sum: number } {
  const out = msg as T & { sum: number };
  out.sum = crc32(JSON.stringify(msg));
  return out;
}

/**
 * Checks the checksum without copying the message: `seal` appends `sum` as the last key,
 * so the sealed text is the original text with `,"sum":N` before its closing brace. A
 * message whose `sum` is anywhere else was not sealed by us and is refused. The result
 * still carries `sum`; parsers read only the fields they know.
 */
export function unseal(raw: unknown): Record<string, unknown> | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const sum = (raw as Record<string, unknown>).sum;
  if (typeof sum !== 'number' || !Number.isInteger(sum)) return null;
  const text = JSON.stringify(raw);
  const tail = `,"sum":${sum}}`;
  if (!text.endsWith(tail)) return null;
  return crc32(`${text.slice(0, text.length - tail.length)}}`) === sum ? (raw as Record<string, unknown>) : null;
}
