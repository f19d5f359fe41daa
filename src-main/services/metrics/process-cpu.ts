/** CPU use of another process, from /proc/<pid>/stat on Linux (0 elsewhere: the protocol has no CPU field). */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SEC = 100;

export class ProcessCpuMeter {
  private last: { pid: number; ticks: number; at: number } | null = null;

  /** Percent of one core used since the previous call for the same pid (0 on the first call). */
  sample(pid: number | null, now = Date.now()): number {
    if (pid === null || process.platform !== 'linux') return 0;
    let ticks: number;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of the full line)
    } catch {
      return 0;
    }
    const previous = this.last;
    this.last = { pid, ticks, at: now };
    if (!previous || previous.pid !== pid || now <= previous.at) return 0;
    return Math.max(0, ((ticks - previous.ticks) / CLOCK_TICKS_PER_SEC / ((now - previous.at) / 1000)) * 100);
  }
}
