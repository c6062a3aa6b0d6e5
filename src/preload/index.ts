import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'biascope',
  createBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
);
