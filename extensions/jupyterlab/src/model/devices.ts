/** The djl.devices comm's readings: parsing and a bounded history for the live chart. */
import { formatBytes, percent } from './format';

export interface GpuDevice {
  index: number;
  name: string | null;
  uuid?: string | null;
  memory_used_bytes: number | null;
  memory_total_bytes: number | null;
  utilization_gpu: number | null;
  utilization_memory?: number | null;
  temperature_c: number | null;
  power_w?: number | null;
  power_limit_w?: number | null;
  source?: string | null;
}

export interface HostInfo {
  heap_used_bytes: number | null;
  heap_max_bytes: number | null;
  rss_bytes: number | null;
  cpus: number | null;
}

export interface DevicesReading {
  devices: GpuDevice[];
  cpuOnly: boolean;
  host: HostInfo;
  timestamp: number;
  intervalMs: number | null;
}

const num = (v: unknown): number | null => {
  if (typeof v === 'number' && isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && isFinite(Number(v))) return Number(v);
  return null;
};

/** Parses a comm message's data; returns null when it is not a devices reading. */
export function parseReading(data: unknown): DevicesReading | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (!Array.isArray(d.devices)) return null;
  const devices: GpuDevice[] = d.devices
    .filter(x => x && typeof x === 'object')
    .map((x: any, i: number) => {
      const mib = (v: unknown) => (num(v) === null ? null : (num(v) as number) * 1024 * 1024);
      return {
        index: num(x.index) ?? i,
        name: typeof x.name === 'string' ? x.name : null,
        uuid: x.uuid ?? null,
        memory_used_bytes: num(x.memory_used_bytes) ?? mib(x.memory_used_mib),
        memory_total_bytes: num(x.memory_total_bytes) ?? mib(x.memory_total_mib),
        utilization_gpu: num(x.utilization_gpu),
        utilization_memory: num(x.utilization_memory),
        temperature_c: num(x.temperature_c),
        power_w: num(x.power_w),
        power_limit_w: num(x.power_limit_w),
        source: x.source ?? null
      };
    });
  const h = (d.host && typeof d.host === 'object' ? d.host : {}) as Record<string, unknown>;
  return {
    devices,
    cpuOnly: typeof d.cpu_only === 'boolean' ? d.cpu_only : devices.length === 0,
    host: {
      heap_used_bytes: num(h.heap_used_bytes),
      heap_max_bytes: num(h.heap_max_bytes),
      rss_bytes: num(h.rss_bytes),
      cpus: num(h.cpus)
    },
    timestamp: num(d.timestamp) ?? Date.now(),
    intervalMs: num(d.interval_ms)
  };
}

/** One chart point per reading: per GPU memory% and utilization%, or host heap% when CPU-only. */
export interface Sample {
  t: number;
  series: Record<string, number | null>;
}

export function seriesOf(r: DevicesReading): Record<string, number | null> {
  const s: Record<string, number | null> = {};
  if (r.devices.length === 0) {
    s['heap %'] = percent(r.host.heap_used_bytes, r.host.heap_max_bytes);
  }
  for (const g of r.devices) {
    s[`gpu${g.index} mem %`] = percent(g.memory_used_bytes, g.memory_total_bytes);
    s[`gpu${g.index} util %`] = g.utilization_gpu;
  }
  return s;
}

export class History {
  private items: Sample[] = [];
  constructor(public capacity = 60) {}

  push(r: DevicesReading): void {
    this.items.push({ t: r.timestamp, series: seriesOf(r) });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  clear(): void {
    this.items = [];
  }

  get samples(): readonly Sample[] {
    return this.items;
  }

  /** The series names seen, in first-seen order. */
  names(): string[] {
    const out: string[] = [];
    for (const s of this.items) for (const k of Object.keys(s.series)) if (!out.includes(k)) out.push(k);
    return out;
  }

  /** The chart's top (percent): the largest value seen rounded up to 5/10/25/50/100, so small values show. */
  top(): number {
    let m = 0;
    for (const s of this.items) for (const v of Object.values(s.series)) if (v !== null && v > m) m = v;
    return [5, 10, 25, 50, 100].find(t => m <= t) ?? 100;
  }

  /** SVG polyline points for one series in a w×h box (0..top percent mapped bottom to top); gaps skipped. */
  points(name: string, w: number, h: number, top = 100): string {
    const n = this.capacity;
    const pts: string[] = [];
    const offset = n - this.items.length;
    this.items.forEach((s, i) => {
      const v = s.series[name];
      if (v === null || v === undefined) return;
      const x = n <= 1 ? 0 : ((offset + i) * w) / (n - 1);
      const y = h - (Math.max(0, Math.min(top, v)) * h) / top;
      pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    });
    return pts.join(' ');
  }
}

/** The status bar's text: the first GPU's memory, else the kernel's heap. */
export function statusText(r: DevicesReading | null): string {
  if (!r) return 'DJL: no kernel';
  if (r.devices.length > 0) {
    const g = r.devices[0];
    return `GPU${g.index} ${formatBytes(g.memory_used_bytes)} / ${formatBytes(g.memory_total_bytes)}`;
  }
  return `CPU · heap ${formatBytes(r.host.heap_used_bytes)} / ${formatBytes(r.host.heap_max_bytes)}`;
}
