import { describe, expect, it, vi } from 'vitest';
import { PICKERS, nativeDialogs } from '../../src/main/electron/dialogs';
import { FakeBrowserWindow } from './fake-electron';

function dialogAnswering(result: { canceled: boolean; filePaths: string[] }) {
  return { showOpenDialog: vi.fn((..._args: unknown[]) => Promise.resolve(result)) };
}

describe('nativeDialogs', () => {
  it('picks a dataset folder, attached to the main window', async () => {
    const window = new FakeBrowserWindow({});
    const dialog = dialogAnswering({ canceled: false, filePaths: ['/data/doctors'] });
    const dialogs = nativeDialogs(dialog as never, () => window as never);
    await expect(dialogs.pickPath('dataset')).resolves.toBe('/data/doctors');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(window, PICKERS.dataset);
    expect(PICKERS.dataset.properties).toEqual(['openDirectory']);
  });

  it('picks a model as its model.json file', async () => {
    const dialog = dialogAnswering({ canceled: false, filePaths: ['/models/demo/model.json'] });
    const dialogs = nativeDialogs(dialog as never, () => null);
    await expect(dialogs.pickPath('model')).resolves.toBe('/models/demo/model.json');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(PICKERS.model);
    expect(PICKERS.model.properties).toEqual(['openFile']);
    expect(PICKERS.model.filters).toEqual([expect.objectContaining({ extensions: ['onnx', 'json'] })]);
  });

  it('opens unattached when the window is gone', async () => {
    const window = new FakeBrowserWindow({});
    window.close();
    const dialog = dialogAnswering({ canceled: false, filePaths: ['/data'] });
    await nativeDialogs(dialog as never, () => window as never).pickPath('dataset');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(PICKERS.dataset);
  });

  it('answers null when the user cancels', async () => {
    const cancelled = dialogAnswering({ canceled: true, filePaths: [] });
    await expect(nativeDialogs(cancelled as never, () => null).pickPath('dataset')).resolves.toBeNull();
    const empty = dialogAnswering({ canceled: false, filePaths: [] });
    await expect(nativeDialogs(empty as never, () => null).pickPath('model')).resolves.toBeNull();
  });
});
