/** The status bar item: the active device and its memory. */
import { Widget } from '@lumino/widgets';
import { DevicesReading, statusText } from './model/devices';
import { KernelCommFeed } from './feed';

export class DeviceStatusItem extends Widget {
  constructor(private feed: KernelCommFeed<DevicesReading>) {
    super();
    this.addClass('djl-StatusItem');
    this.addClass('jp-StatusBar-TextItem');
    feed.changed.connect(this.update, this);
    this.update();
  }

  update(): void {
    const text = this.feed.state === 'live' ? statusText(this.feed.value) : '';
    this.node.textContent = text;
    this.node.title = 'DJL kernel device (click to open the devices panel)';
    this.setHidden(!text);
  }
}
