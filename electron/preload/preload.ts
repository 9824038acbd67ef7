// The window's only door to Baken: `window.baken` with exactly `invoke` and `on` (BakenBridge), nothing
// else of Electron or Node. A sandboxed preload cannot load ES modules or local files, so this is
// bundled into one CommonJS file, dist/shell/preload.cjs (`npm run build:shell`), with only
// `electron` left to require.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, IPC_EVENT, IPC_INVOKE } from '../../shared/contract/ipc-channels.js';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer, { invoke: IPC_INVOKE, event: IPC_EVENT }));
