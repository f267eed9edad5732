/** The endpoints panel: the kernel's live inference endpoints, with copy-curl and stop. */
import { Clipboard } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import { curlFor, Endpoint, parseEndpointsError, stopMessage } from './model/endpoints';
import { formatMs } from './model/format';
import { KernelCommFeed } from './feed';

export class EndpointsPanel extends Widget {
  constructor(private feed: KernelCommFeed<Endpoint[]>) {
    super();
    this.id = 'djl-endpoints-panel';
    this.addClass('djl-EndpointsPanel');
    this.title.label = 'Endpoints';
    this.title.caption = 'DJL endpoints';
    feed.changed.connect(() => {
      this.error = null; // a new list answers whatever went wrong before
      this.render();
    }, this);
    feed.messages.connect((_, data) => {
      const e = parseEndpointsError(data);
      if (e !== null) {
        this.error = e;
        this.render();
      }
    }, this);
    this.render();
  }

  private error: string | null = null;

  render(): void {
    const list = this.feed.value ?? [];
    this.node.dataset.state = this.feed.state;
    const rows = list
      .map(
        (e, i) => `<div class="djl-Endpoint" data-name="${esc(e.name)}">
          <div class="djl-DeviceName djl-EpName">${esc(e.name)} <span class="djl-EpModel">· ${esc(e.model)}</span></div>
          <div class="djl-EpUrl"><a href="${esc(e.url)}" target="_blank" rel="noopener">${esc(e.url)}</a></div>
          <div class="djl-Row"><span>requests</span><span class="djl-Num">${e.requests}</span></div>
          <div class="djl-Row"><span>p50 / p99</span><span class="djl-Num">${formatMs(e.p50_ms)} / ${formatMs(e.p99_ms)}</span></div>
          <div class="djl-Toolbar"><button class="jp-mod-styled djl-copy" data-i="${i}" title="Copy a curl command">copy curl</button>
              <button class="jp-mod-styled jp-mod-warn djl-stop" data-i="${i}" title="Stop this endpoint">stop</button></div></div>`
      )
      .join('');
    const empty =
      this.feed.state === 'no-kernel'
        ? 'No endpoints — open a notebook on the Java (DJL) kernel.'
        : 'No endpoints. Start one from a cell (e.g. <code>%serve</code>).';
    this.node.innerHTML = `<div class="djl-PanelHeader"><span class="djl-PanelTitle">Endpoints</span>
      <span class="djl-Kernel">${this.feed.kernelName ? 'kernel: ' + esc(this.feed.kernelName) : ''}</span></div>
      ${this.error ? `<div class="djl-EpError">${esc(this.error)}</div>` : ''}
      ${list.length === 0 ? `<div class="djl-Empty djl-NoEndpoints">${empty}</div>` : rows}`;
    this.node.querySelectorAll<HTMLButtonElement>('button.djl-copy').forEach(b => {
      b.onclick = () => {
        Clipboard.copyToSystem(curlFor(list[Number(b.dataset.i)]));
        b.textContent = 'copied';
      };
    });
    this.node.querySelectorAll<HTMLButtonElement>('button.djl-stop').forEach(b => {
      b.onclick = () => {
        this.feed.send(stopMessage(list[Number(b.dataset.i)].name) as unknown as Record<string, unknown>);
        b.disabled = true;
        b.textContent = 'stopping…';
      };
    });
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
