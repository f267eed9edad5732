/** djl-kernel JupyterLab extension: devices panel, status bar item, endpoints panel and palette commands. */
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { DevicesPanel } from './devicesPanel';
import { EndpointsPanel } from './endpointsPanel';
import { KernelCommFeed } from './feed';
import { parseEndpoints } from './model/endpoints';
import { parseReading } from './model/devices';
import { DeviceStatusItem } from './statusItem';
import { setKernelLocator } from './tensorSlices';

export const DEVICES_TARGET = 'djl.devices';
export const ENDPOINTS_TARGET = 'djl.endpoints';

export namespace CommandIDs {
  export const openDevices = 'djl:open-devices';
  export const toggleDevicesPause = 'djl:toggle-devices-pause';
  export const refreshDevices = 'djl:refresh-devices';
  export const openEndpoints = 'djl:open-endpoints';
}

const devicesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'djl-kernel-jupyterlab:plugin',
  description: 'Devices panel and status bar item for the djl-kernel Java kernel',
  autoStart: true,
  requires: [INotebookTracker, ILabShell],
  optional: [ISettingRegistry, ICommandPalette, IStatusBar],
  activate: async (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    shell: ILabShell,
    settings: ISettingRegistry | null,
    palette: ICommandPalette | null,
    statusBar: IStatusBar | null
  ) => {
    let refreshMs = 1000;
    let historyLength = 60;
    const feed = new KernelCommFeed(tracker, DEVICES_TARGET, parseReading, () => ({ interval_ms: refreshMs }));
    const panel = new DevicesPanel(feed, historyLength);
    shell.add(panel, 'right', { rank: 900 });

    if (settings) {
      try {
        const s = await settings.load(devicesPlugin.id);
        const apply = () => {
          refreshMs = (s.get('refreshMs').composite as number) ?? 1000;
          historyLength = (s.get('historyLength').composite as number) ?? 60;
          panel.history.capacity = historyLength;
          feed.send({ interval_ms: refreshMs });
        };
        apply();
        s.changed.connect(apply);
      } catch (e) {
        console.warn('djl-kernel-jupyterlab: settings not loaded', e);
      }
    }

    app.commands.addCommand(CommandIDs.openDevices, {
      label: 'DJL: Show Devices Panel',
      execute: () => shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.toggleDevicesPause, {
      label: () => (panel.paused ? 'DJL: Resume Device Readings' : 'DJL: Pause Device Readings'),
      execute: () => panel.togglePause()
    });
    app.commands.addCommand(CommandIDs.refreshDevices, {
      label: 'DJL: Refresh Device Reading',
      execute: () => feed.send({ refresh: true })
    });
    if (palette) {
      for (const command of [CommandIDs.openDevices, CommandIDs.toggleDevicesPause, CommandIDs.refreshDevices]) {
        palette.addItem({ command, category: 'DJL' });
      }
    }
    if (statusBar) {
      const item = new DeviceStatusItem(feed);
      item.node.onclick = () => void app.commands.execute(CommandIDs.openDevices);
      statusBar.registerStatusItem('djl-kernel-jupyterlab:device-status', {
        item,
        align: 'left',
        rank: 4,
        isActive: () => feed.state === 'live'
      });
    }
  }
};

const endpointsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'djl-kernel-jupyterlab:endpoints',
  description: 'Endpoints panel for the djl-kernel Java kernel',
  autoStart: true,
  requires: [INotebookTracker, ILabShell],
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, shell: ILabShell, palette: ICommandPalette | null) => {
    const feed = new KernelCommFeed(tracker, ENDPOINTS_TARGET, parseEndpoints, () => ({}));
    const panel = new EndpointsPanel(feed);
    shell.add(panel, 'right', { rank: 910 });
    app.commands.addCommand(CommandIDs.openEndpoints, {
      label: 'DJL: Show Endpoints Panel',
      execute: () => shell.activateById(panel.id)
    });
    palette?.addItem({ command: CommandIDs.openEndpoints, category: 'DJL' });
  }
};

/**
 * The tensor viewer is a MIME renderer and knows no kernel; this tells it which kernel an output belongs to (the
 * notebook holding its node), for the axis picker's djl.tensor requests.
 */
const tensorSlicesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'djl-kernel-jupyterlab:tensor-slices',
  description: 'Lets the tensor viewer ask the notebook kernel for other slices of an N-D array',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    setKernelLocator(node => tracker.find(panel => panel.node.contains(node))?.sessionContext.session?.kernel ?? null);
  }
};

export default [devicesPlugin, endpointsPlugin, tensorSlicesPlugin];
