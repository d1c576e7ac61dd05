// A one-line progress display for terminals, redrawn at most every 100 ms of wall time.
import { wallNowMs } from './wallclock.ts';

export class Progress {
  private lastMs = -Infinity;
  private drawn = false;

  constructor(private readonly write: (s: string) => void) {}

  update(fraction: number, label: string): void {
    const now = wallNowMs();
    if (now - this.lastMs < 100 && fraction < 1) return;
    this.lastMs = now;
    const width = 24;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    this.write(`\r\x1b[2K  [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor(fraction * 100)}%  ${label}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.write('\r\x1b[2K');
  }
}
