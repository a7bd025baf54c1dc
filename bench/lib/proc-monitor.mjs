// Samples a process from /proc: resident memory (VmRSS), its high-water mark (VmHWM) and CPU time (utime+stime).
// /proc is read, not the process asked, so the figures cost the measured process nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * One reading, or null once the process is gone. `mainThreadCpuSeconds` is the CPU of the thread whose id is the
 * pid: for Node, the JavaScript thread; the rest is V8's GC and compiler helpers and the libuv threadpool (Node 20
 * names them all "node", so they are not told apart).
 */
export function readProcess(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      rssKb: kb(status, 'VmRSS'),
      hwmKb: kb(status, 'VmHWM'),
      cpuSeconds: cpuSecondsOf(`/proc/${pid}/stat`),
      mainThreadCpuSeconds: cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`),
    };
  } catch {
    return null;
  }
}

/**
 * CPU seconds of each thread of `pid`, largest first, as `{ tid, cpuSeconds }`. Node 20 names every thread "node",
 * so threads are told apart by id and order: the pid is the JavaScript thread, the next ids are V8's platform
 * workers (GC, compiler), libuv's pool threads come later. Null once the process is gone.
 */
export function readThreads(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((tid) => ({ tid: Number(tid), cpuSeconds: round(cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`), 2) }))
      .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  } catch {
    return null;
  }
}

function cpuSecondsOf(statFile) {
  const stat = readFileSync(statFile, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15 of stat)
}

function kb(status, name) {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * Samples one pid every `intervalMs` until stopped. `progress()` (0..1, or null) is recorded with each sample,
 * so memory can be read against how far the run got: flat memory means the same RSS at 25 % and at 100 %.
 */
export class ProcessMonitor {
  constructor(pid, { intervalMs = 250, progress = () => null } = {}) {
    this.pid = pid;
    this.progress = progress;
    this.samples = [];
    this.first = readProcess(pid);
    this.last = this.first;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample() {
    const reading = readProcess(this.pid);
    if (!reading) return;
    this.last = reading;
    this.samples.push({ atMs: Date.now(), progress: this.progress(), rssKb: reading.rssKb });
  }

  /** CPU seconds so far (read now), e.g. at the moment the app is ready, to leave its start-up out. */
  cpuSecondsNow() {
    return this.cpuNow().cpuSeconds;
  }

  /** CPU seconds so far of the whole process and of its main thread. */
  cpuNow() {
    const reading = readProcess(this.pid) ?? this.last;
    return { cpuSeconds: reading?.cpuSeconds ?? 0, mainThreadCpuSeconds: reading?.mainThreadCpuSeconds ?? 0 };
  }

  /** Takes a last reading (call it while the process still runs to get its full CPU time) and stops. */
  stop() {
    this.sample();
    const threads = readThreads(this.pid);
    clearInterval(this.timer);
    const peakKb = Math.max(this.last?.hwmKb ?? 0, ...this.samples.map((s) => s.rssKb));
    return {
      peakRssMb: round(peakKb / 1024, 1),
      cpuSeconds: round(this.last?.cpuSeconds ?? 0, 2),
      mainThreadCpuSeconds: round(this.last?.mainThreadCpuSeconds ?? 0, 2),
      /** CPU used while monitored (for a process that was already running, e.g. the broker). */
      cpuSecondsDelta: round((this.last?.cpuSeconds ?? 0) - (this.first?.cpuSeconds ?? 0), 2),
      rssAtProgressMb: rssAtProgress(this.samples),
      /** Per-thread CPU at the end (busiest first, ids relative to the pid), to see what the other threads cost. */
      threads: threads?.filter((t) => t.cpuSeconds > 0).map((t) => ({ tid: `+${t.tid - this.pid}`, cpuSeconds: t.cpuSeconds })) ?? null,
    };
  }
}

/** RSS at 25/50/75/100 % of progress: the memory-flatness check. */
function rssAtProgress(samples) {
  const out = {};
  for (const mark of [0.25, 0.5, 0.75, 1]) {
    const sample = samples.find((s) => s.progress !== null && s.progress >= mark);
    if (sample) out[`${mark * 100}%`] = round(sample.rssKb / 1024, 1);
  }
  return out;
}

export function round(value, digits = 0) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** ProcessMonitor over several processes (a processor group): CPU adds up, memory is per process (the largest). */
export class GroupMonitor {
  constructor(pids, options) {
    this.monitors = pids.map((pid) => new ProcessMonitor(pid, options));
  }

  /** The latest RSS of the largest member, for progress lines. */
  get samples() {
    const latest = this.monitors.map((m) => m.samples.at(-1)).filter(Boolean);
    return latest.length ? [latest.reduce((a, b) => (a.rssKb >= b.rssKb ? a : b))] : [];
  }

  cpuSecondsNow() {
    return this.cpuNow().cpuSeconds;
  }

  cpuNow() {
    const each = this.monitors.map((m) => m.cpuNow());
    return {
      cpuSeconds: each.reduce((sum, c) => sum + c.cpuSeconds, 0),
      mainThreadCpuSeconds: each.reduce((sum, c) => sum + c.mainThreadCpuSeconds, 0),
    };
  }

  stop() {
    const each = this.monitors.map((m) => m.stop());
    if (each.length === 1) return each[0];
    const largest = each.reduce((a, b) => (a.peakRssMb >= b.peakRssMb ? a : b));
    return {
      peakRssMb: largest.peakRssMb,
      cpuSeconds: round(each.reduce((s, m) => s + m.cpuSeconds, 0), 2),
      mainThreadCpuSeconds: round(each.reduce((s, m) => s + m.mainThreadCpuSeconds, 0), 2),
      cpuSecondsDelta: round(each.reduce((s, m) => s + m.cpuSecondsDelta, 0), 2),
      rssAtProgressMb: largest.rssAtProgressMb,
      instances: each,
    };
  }
}

/**
 * The whole machine's CPU time so far from /proc/stat (every core): busy (all but idle and iowait) and total, in
 * seconds. Over an interval, busy / wall = cores in use by anything (other work on a shared machine included).
 */
export function readMachineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
  const idle = fields[3] + fields[4];
  return { busySeconds: (total - idle) / CLOCK_TICKS, totalSeconds: total / CLOCK_TICKS };
}
