// The zod type of a human duration ("1.5s", "250ms", "10m", or integer µs), shared by the
// scenario schema and the sections plug-ins add to it.
import { z } from 'zod';
import { parseDuration } from './duration.ts';

const DURATION_HINT = 'expected a non-negative duration like "1.5s", "250ms" or "10m"';

export const duration = z.union([z.string(), z.number()], { error: (iss) => `${DURATION_HINT}, got ${JSON.stringify(iss.input)}` }).transform((v, ctx) => {
  const us = typeof v === 'number' ? (v >= 0 && Number.isInteger(v) ? v : null) : parseDuration(v);
  if (us === null) {
    ctx.addIssue({ code: 'custom', message: `${DURATION_HINT}, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return us;
});

