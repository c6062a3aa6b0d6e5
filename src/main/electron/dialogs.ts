/**
 * Native pickers behind the contract's `pickPath`. A dataset is always a folder (its
 * manifest, when it has one, lives inside). A model is picked as its file: an ONNX
 * export (.onnx) or a TensorFlow.js model.json. Windows and Linux cannot show one
 * dialog that picks either a file or a folder, and model.json is what both
 * LayersModel and GraphModel are loaded from.
 */
import type { BrowserWindow, Dialog, OpenDialogOptions } from 'electron';
import type { Dialogs } from '../backend';

export type PathKind = Parameters<Dialogs['pickPath']>[0];

export const PICKERS: Readonly<Record<PathKind, OpenDialogOptions>> = {
  dataset: {
    title: 'Open Dataset',
    buttonLabel: 'Open Dataset',
    properties: ['openDirectory'],
  },
  folder: {
    title: 'Export To',
    buttonLabel: 'Export Here',
    properties: ['openDirectory', 'createDirectory'],
  },
  model: {
    title: 'Open Model',
    buttonLabel: 'Open Model',
    properties: ['openFile'],
    // Filters match extensions only, not whole names: model.json cannot be singled out.
    filters: [{ name: 'Models (ONNX .onnx, TensorFlow.js model.json)', extensions: ['onnx', 'json'] }],
  },
};

/** Pickers attached to the main window (a sheet on macOS) when there is one. */
export function nativeDialogs(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  parent: () => BrowserWindow | null,
): Dialogs {
  return {
    async pickPath(kind) {
      const options = PICKERS[kind];
      const window = parent();
      const result =
        window && !window.isDestroyed()
          ? await dialog.showOpenDialog(window, options)
          : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
