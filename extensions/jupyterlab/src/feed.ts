/** A comm to the active notebook's kernel that follows the notebook and kernel as they change. */
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

export type FeedState = 'no-kernel' | 'waiting' | 'live' | 'unsupported';

export class KernelCommFeed<T> {
  constructor(
    tracker: INotebookTracker,
    private target: string,
    private parse: (data: unknown) => T | null,
    private openData: () => Record<string, unknown>
  ) {
    tracker.currentChanged.connect(() => this.follow(tracker.currentWidget), this);
    this.follow(tracker.currentWidget);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Every message of the current comm, parsed or not (for answers that are not readings, like errors). */
  get messages(): ISignal<this, unknown> {
    return this._messages;
  }
  get state(): FeedState {
    return this._state;
  }
  get value(): T | null {
    return this._value;
  }
  get kernelName(): string {
    return this._kernel?.name ?? '';
  }

  /** Sends a message on the open comm (ignored when none is open). */
  send(data: Record<string, unknown>): void {
    if (this._comm && !this._comm.isDisposed) this._comm.send(data as any);
  }

  /** Reopens the comm on the current kernel (after a restart or a settings change). */
  reopen(): void {
    this.open(this._kernel);
  }

  dispose(): void {
    this._kernel?.iopubMessage.disconnect(this.onIopub, this);
    this.close();
    Signal.clearData(this);
  }

  private follow(panel: NotebookPanel | null): void {
    if (this._panel === panel) return;
    if (this._panel) {
      this._panel.sessionContext.kernelChanged.disconnect(this.onKernelChanged, this);
      this._panel.sessionContext.statusChanged.disconnect(this.onStatus, this);
    }
    this._panel = panel;
    if (panel) {
      panel.sessionContext.kernelChanged.connect(this.onKernelChanged, this);
      panel.sessionContext.statusChanged.connect(this.onStatus, this);
      void panel.sessionContext.ready.then(() => {
        if (this._panel === panel) this.open(panel.sessionContext.session?.kernel ?? null);
      });
    }
    this.open(panel?.sessionContext.session?.kernel ?? null);
  }

  private onKernelChanged(): void {
    this.open(this._panel?.sessionContext.session?.kernel ?? null);
  }

  private onStatus(_: unknown, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._restarting = true;
    } else if (this._restarting && status === 'idle') {
      this._restarting = false;
      this.open(this._kernel);
    } else if (status === 'idle' && this._executed && this._state !== 'live') {
      // Targets can appear later: the kernel registers its own after start-up (a comm_open sent while it was
      // starting is closed), and a cell can add one (%jars). Try again after each executed cell until a
      // message arrives. (Comm opens themselves execute nothing, so this cannot loop.)
      this._executed = false;
      this.open(this._kernel, true);
    }
  }

  private close(): void {
    const c = this._comm;
    this._comm = null;
    if (c && !c.isDisposed) {
      try {
        c.close();
      } catch {
        /* kernel gone */
      }
    }
  }

  private onIopub(_: unknown, msg: KernelMessage.IIOPubMessage): void {
    if (msg.header.msg_type === 'execute_input') this._executed = true;
  }

  private open(kernel: Kernel.IKernelConnection | null, force = false): void {
    if (!force && this._comm && this._kernel === kernel && !this._comm.isDisposed && this._state !== 'unsupported') return;
    if (this._kernel !== kernel) {
      this._kernel?.iopubMessage.disconnect(this.onIopub, this);
      kernel?.iopubMessage.connect(this.onIopub, this);
      this._executed = false;
    }
    this.close();
    this._kernel = kernel;
    this._value = null;
    if (!kernel || kernel.isDisposed) {
      this.setState('no-kernel');
      return;
    }
    this.setState('waiting');
    let comm: Kernel.IComm;
    try {
      comm = kernel.createComm(this.target);
    } catch (e) {
      this.setState('unsupported');
      return;
    }
    this._comm = comm;
    comm.onMsg = (msg: KernelMessage.ICommMsgMsg) => {
      if (this._comm !== comm) return;
      this._messages.emit(msg.content.data);
      const v = this.parse(msg.content.data);
      if (v !== null) {
        this._value = v;
        this._state = 'live';
        this._changed.emit();
      }
    };
    comm.onClose = () => {
      if (this._comm !== comm) return;
      this._comm = null;
      // A kernel without the comm target closes it at once.
      this.setState(this._state === 'live' ? 'no-kernel' : 'unsupported');
    };
    try {
      comm.open(this.openData() as any);
    } catch {
      this.setState('unsupported');
    }
  }

  private setState(s: FeedState): void {
    this._state = s;
    this._changed.emit();
  }

  private _panel: NotebookPanel | null = null;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _comm: Kernel.IComm | null = null;
  private _value: T | null = null;
  private _state: FeedState = 'no-kernel';
  private _restarting = false;
  private _executed = false;
  private _changed = new Signal<this, void>(this);
  private _messages = new Signal<this, unknown>(this);
}
