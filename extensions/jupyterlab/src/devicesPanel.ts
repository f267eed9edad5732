/** The devices panel (right sidebar): GPUs or the CPU-only state, with a live chart. */
import { Widget } from '@lumino/widgets';
import { DevicesReading, History } from './model/devices';
import { formatBytes, percent } from './model/format';
import { KernelCommFeed } from './feed';

const COLORS = ['#1976d2', '#e65100', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#9e9d24', '#4e342e'];

export class DevicesPanel extends Widget {
  readonly history: History;

  constructor(private feed: KernelCommFeed<DevicesReading>, historyLength = 60) {
    super();
    this.id = 'djl-devices-panel';
    this.addClass('djl-DevicesPanel');
    this.title.caption = 'DJL devices';
    this.title.label = 'Devices';
    this.history = new History(historyLength);
    this.node.innerHTML = `
      <div class="djl-PanelHeader"><span class="djl-PanelTitle">Devices</span>
        <span class="djl-Kernel"></span></div>
      <div class="djl-Toolbar">
        <button class="jp-mod-styled djl-pause" title="Pause or resume the live readings">Pause</button>
        <button class="jp-mod-styled djl-refresh" title="Ask the kernel for a reading now">Refresh</button>
        <button class="jp-mod-styled djl-clear" title="Clear the chart">Clear</button>
      </div>
      <div class="djl-Body"></div>
      <svg class="djl-Chart" viewBox="0 0 240 80" preserveAspectRatio="none"></svg>
      <div class="djl-Legend"></div>`;
    this.q('.djl-pause').onclick = () => this.togglePause();
    this.q('.djl-refresh').onclick = () => this.feed.send({ refresh: true });
    this.q('.djl-clear').onclick = () => {
      this.history.clear();
      this.render();
    };
    feed.changed.connect(this.onFeed, this);
    this.render();
  }

  get paused(): boolean {
    return this._paused;
  }

  togglePause(): void {
    this._paused = !this._paused;
    this.feed.send({ pause: this._paused });
    this.render();
  }

  private onFeed(): void {
    const r = this.feed.value;
    if (this.feed.state === 'live' && r && r.timestamp !== this._lastT) {
      this._lastT = r.timestamp;
      if (!this._paused) this.history.push(r);
    }
    if (this.feed.state !== 'live') this._paused = false;
    this.render();
  }

  private q<E extends HTMLElement = HTMLElement>(sel: string): E {
    return this.node.querySelector(sel) as E;
  }

  render(): void {
    const state = this.feed.state;
    this.node.dataset.state = state;
    this.q('.djl-Kernel').textContent = this.feed.kernelName ? `kernel: ${this.feed.kernelName}` : '';
    this.q('.djl-pause').textContent = this._paused ? 'Resume' : 'Pause';
    const body = this.q('.djl-Body');
    const r = this.feed.value;
    if (state === 'no-kernel') body.innerHTML = '<div class="djl-Empty">Open a notebook on the Java (DJL) kernel to see its devices.</div>';
    else if (state === 'unsupported') body.innerHTML = '<div class="djl-Empty">This kernel does not report devices (no <code>djl.devices</code> comm).</div>';
    else if (!r) body.innerHTML = '<div class="djl-Empty">Waiting for the kernel…</div>';
    else body.innerHTML = (r.cpuOnly ? cpuOnlyHtml(r) : '') + r.devices.map(gpuHtml).join('') + hostHtml(r);
    this.renderChart();
  }

  private renderChart(): void {
    const svg = this.q('.djl-Chart') as unknown as SVGElement;
    const names = this.history.names();
    const top = this.history.top();
    const grid = [25, 50, 75].map(y => `<line x1="0" x2="240" y1="${80 - (y * 80) / 100}" y2="${80 - (y * 80) / 100}" class="djl-Grid"/>`).join('');
    svg.innerHTML =
      grid +
      names
        .map((n, i) => `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5" points="${this.history.points(n, 240, 80, top)}"/>`)
        .join('');
    this.q('.djl-Legend').innerHTML = names
      .map((n, i) => `<span><i style="background:${COLORS[i % COLORS.length]}"></i>${esc(n)}</span>`)
      .join('') + `<span class="djl-Scale">scale 0–${top} %</span>` + (this._paused ? '<span class="djl-Paused">paused</span>' : '');
  }

  dispose(): void {
    this.feed.changed.disconnect(this.onFeed, this);
    super.dispose();
  }

  private _paused = false;
  private _lastT = -1;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

function bar(p: number | null): string {
  return `<div class="djl-Bar"><div style="width:${p === null ? 0 : p.toFixed(1)}%"></div></div>`;
}

function cpuOnlyHtml(r: DevicesReading): string {
  return `<div class="djl-CpuOnly"><b>CPU only</b> — no GPU is visible to this kernel${r.host.cpus ? ` (${r.host.cpus} CPUs)` : ''}.</div>`;
}

function hostHtml(r: DevicesReading): string {
  const h = r.host;
  const p = percent(h.heap_used_bytes, h.heap_max_bytes);
  return `<div class="djl-Device djl-Host"><div class="djl-DeviceName">Kernel JVM</div>
    <div class="djl-Row"><span>heap</span><span>${formatBytes(h.heap_used_bytes)} / ${formatBytes(h.heap_max_bytes)}</span></div>${bar(p)}
    <div class="djl-Row"><span>resident</span><span>${formatBytes(h.rss_bytes)}</span></div></div>`;
}

function gpuHtml(g: DevicesReading['devices'][number]): string {
  const p = percent(g.memory_used_bytes, g.memory_total_bytes);
  const num = (v: number | null | undefined, unit: string) => (v === null || v === undefined ? 'n/a' : `${v}${unit}`);
  return `<div class="djl-Device djl-Gpu" data-index="${g.index}"><div class="djl-DeviceName">GPU ${g.index}${g.name ? ' · ' + esc(g.name) : ''}</div>
    <div class="djl-Row"><span>memory</span><span>${formatBytes(g.memory_used_bytes)} / ${formatBytes(g.memory_total_bytes)}</span></div>${bar(p)}
    <div class="djl-Row"><span>utilization</span><span>${num(g.utilization_gpu, ' %')}</span></div>${bar(g.utilization_gpu)}
    <div class="djl-Row"><span>temperature</span><span>${num(g.temperature_c, ' °C')}</span></div>
    ${g.power_w !== null && g.power_w !== undefined ? `<div class="djl-Row"><span>power</span><span>${g.power_w} W${g.power_limit_w ? ' / ' + g.power_limit_w + ' W' : ''}</span></div>` : ''}</div>`;
}
