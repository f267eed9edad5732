import { describe, expect, it } from 'vitest';
import { History, parseReading, seriesOf, statusText } from '../src/model/devices';
import { formatBytes, formatMs, percent } from '../src/model/format';

// The shapes DevicesComm.reading() and GpuReading.toMap() produce.
const cpuOnly = {
  devices: [],
  cpu_only: true,
  host: { heap_used_bytes: 100 * 1024 * 1024, heap_max_bytes: 4 * 1024 ** 3, rss_bytes: 300 * 1024 * 1024, cpus: 2 },
  timestamp: 1700000000000,
  interval_ms: 1000
};
const gpu = {
  index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-1', bus_id: '00000000:00:1E.0',
  memory_used_mib: 1024, memory_total_mib: 81559, memory_used_bytes: 1024 * 1024 * 1024, memory_total_bytes: 81559 * 1024 * 1024,
  utilization_gpu: 37, utilization_memory: 5, temperature_c: 41, power_w: 120.5, power_limit_w: 700,
  compute_capability: '9.0', driver_version: '550.54', source: 'nvml'
};

describe('parseReading', () => {
  it('reads the CPU-only state', () => {
    const r = parseReading(cpuOnly)!;
    expect(r.cpuOnly).toBe(true);
    expect(r.devices).toEqual([]);
    expect(r.host.cpus).toBe(2);
    expect(r.intervalMs).toBe(1000);
  });
  it('reads a GPU with all fields', () => {
    const r = parseReading({ ...cpuOnly, cpu_only: false, devices: [gpu] })!;
    expect(r.cpuOnly).toBe(false);
    expect(r.devices[0]).toMatchObject({ index: 0, name: 'NVIDIA H100 80GB HBM3', utilization_gpu: 37, temperature_c: 41 });
    expect(r.devices[0].memory_total_bytes).toBe(81559 * 1024 * 1024);
  });
  it('keeps nulls the driver does not report and falls back to MiB fields', () => {
    const r = parseReading({ devices: [{ index: 1, name: null, memory_used_mib: 10, memory_total_mib: 20, utilization_gpu: null, temperature_c: null }] })!;
    const g = r.devices[0];
    expect(g.memory_used_bytes).toBe(10 * 1024 * 1024);
    expect(g.utilization_gpu).toBeNull();
    expect(g.temperature_c).toBeNull();
    expect(r.cpuOnly).toBe(false);
  });
  it('rejects what is not a reading', () => {
    expect(parseReading(null)).toBeNull();
    expect(parseReading({ endpoints: [] })).toBeNull();
    expect(parseReading('x')).toBeNull();
  });
});

describe('History', () => {
  it('is bounded and charts per-GPU series', () => {
    const h = new History(3);
    for (let i = 0; i < 5; i++) h.push(parseReading({ ...cpuOnly, devices: [{ ...gpu, utilization_gpu: i * 10 }], timestamp: i })!);
    expect(h.samples.length).toBe(3);
    expect(h.samples.map(s => s.t)).toEqual([2, 3, 4]);
    expect(h.names()).toEqual(['gpu0 mem %', 'gpu0 util %']);
    expect(h.points('gpu0 util %', 100, 100)).toBe('0.0,80.0 50.0,70.0 100.0,60.0');
    h.clear();
    expect(h.samples.length).toBe(0);
  });
  it('charts heap % when CPU-only, scaled so small values show', () => {
    const h = new History(2);
    h.push(parseReading(cpuOnly)!);
    expect(seriesOf(parseReading(cpuOnly)!)['heap %']).toBeCloseTo(2.44, 1);
    expect(h.top()).toBe(5);
    // a single sample sits at the right edge
    expect(h.points('heap %', 100, 50, 5)).toMatch(/^100\.0,/);
  });
});

describe('formatting', () => {
  it('formats bytes, percents and latencies', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(81559 * 1024 * 1024)).toBe('80 GiB');
    expect(formatBytes(null)).toBe('n/a');
    expect(percent(1, 4)).toBe(25);
    expect(percent(1, 0)).toBeNull();
    expect(formatMs(1.234)).toBe('1.23 ms');
    expect(formatMs(250)).toBe('250.0 ms');
    expect(formatMs(null)).toBe('–');
  });
  it('writes the status bar text', () => {
    expect(statusText(null)).toBe('DJL: no kernel');
    expect(statusText(parseReading(cpuOnly))).toBe('CPU · heap 100 MiB / 4.0 GiB');
    expect(statusText(parseReading({ ...cpuOnly, devices: [gpu] }))).toBe('GPU0 1.0 GiB / 80 GiB');
  });
});
