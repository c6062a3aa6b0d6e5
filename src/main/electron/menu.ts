/**
 * The application menu, as a template built from plain data so it can be tested without
 * Electron. Items that act on the page's state send a menu command to the page; the rest
 * are Electron roles.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/events';
import type { RecentDataset } from '../../shared/views';

export type SendMenuCommand = (command: MenuCommand, argument?: string) => void;

export interface MenuContext {
  appName: string;
  platform: NodeJS.Platform;
  /** Reload and developer tools are for development: a reload drops the page's state. */
  packaged: boolean;
  recent: readonly RecentDataset[];
  send: SendMenuCommand;
}

/**
 * Menu accelerators fire even while a text field has focus, so each one has a modifier,
 * and none takes a key the platform or Chromium already uses: Cmd/Ctrl+R stays with
 * reload (in development), Cmd+H with Hide on macOS.
 */
export const ACCELERATORS = {
  openDataset: 'CmdOrCtrl+O',
  openModel: 'CmdOrCtrl+Shift+O',
  startAudit: 'CmdOrCtrl+Enter',
  export: 'CmdOrCtrl+E',
  reviewSpurious: 'CmdOrCtrl+Shift+S',
  find: 'CmdOrCtrl+F',
  toggleOverlay: 'CmdOrCtrl+Shift+H',
  nextColormap: 'CmdOrCtrl+Shift+M',
} as const;

type Item = MenuItemConstructorOptions;
const separator: Item = { type: 'separator' };

function command(label: string, name: MenuCommand, context: MenuContext, accelerator?: string): Item {
  return { label, click: () => context.send(name), ...(accelerator ? { accelerator } : {}) };
}

/** On Windows and Linux `&` marks the next letter as the mnemonic; `&&` shows one `&`. */
export function menuLabel(text: string): string {
  return text.replaceAll('&', '&&');
}

/** A recent dataset by its name, with its folder when another recent dataset has the same name; by its folder when nameless. */
function recentItems(context: MenuContext): Item[] {
  if (context.recent.length === 0) return [{ label: 'No Recent Datasets', enabled: false }];
  const count = new Map<string, number>();
  for (const { name } of context.recent) count.set(name, (count.get(name) ?? 0) + 1);
  return context.recent.map(({ root, name }) => ({
    label: menuLabel(!name ? root : count.get(name) === 1 ? name : `${name} — ${root}`),
    toolTip: root,
    click: () => context.send('open-dataset', root),
  }));
}

function fileMenu(context: MenuContext, mac: boolean): Item {
  return {
    label: '&File',
    submenu: [
      command('Open &Dataset…', 'open-dataset', context, ACCELERATORS.openDataset),
      command('Open &Model…', 'open-model', context, ACCELERATORS.openModel),
      { label: 'Open &Recent', submenu: recentItems(context) },
      separator,
      command('Start &Audit', 'start-audit', context, ACCELERATORS.startAudit),
      command('Review &Spurious Focus…', 'review-spurious', context, ACCELERATORS.reviewSpurious),
      command('&Export Report or Lists…', 'export', context, ACCELERATORS.export),
      separator,
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
}

/** On macOS, copy and paste reach text fields only through these roles. */
function editMenu(context: MenuContext, mac: boolean): Item {
  return {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { role: 'selectAll' },
      separator,
      command('&Find…', 'focus-search', context, ACCELERATORS.find),
    ],
  };
}

function viewMenu(context: MenuContext): Item {
  const development: Item[] = context.packaged
    ? []
    : [separator, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }];
  return {
    label: '&View',
    submenu: [
      command('Toggle Heatmap &Overlay', 'toggle-overlay', context, ACCELERATORS.toggleOverlay),
      command('Next &Colormap', 'next-colormap', context, ACCELERATORS.nextColormap),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
      ...development,
    ],
  };
}

function windowMenu(mac: boolean): Item {
  return {
    label: '&Window',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  };
}

/** Windows and Linux have no app menu: About goes under Help, where their users look for it. */
function helpMenu(context: MenuContext): Item {
  return { label: '&Help', submenu: [{ label: `&About ${menuLabel(context.appName)}`, role: 'about' }] };
}

export function menuTemplate(context: MenuContext): Item[] {
  const mac = context.platform === 'darwin';
  // macOS: About, Services, Hide and Quit live in the app menu, first, named after the app.
  const appMenu: Item[] = mac ? [{ label: context.appName, role: 'appMenu' }] : [];
  return [
    ...appMenu,
    fileMenu(context, mac),
    editMenu(context, mac),
    viewMenu(context),
    windowMenu(mac),
    ...(mac ? [] : [helpMenu(context)]),
  ];
}

function recentKey(recent: readonly RecentDataset[]): string {
  return JSON.stringify(recent.map(({ root, name }) => [root, name]));
}

/**
 * Returns `refresh`, which applies the menu the first time and again whenever the recent
 * datasets have changed since. It is cheap enough to call after every API call.
 */
export function menuRefresher(apply: (template: Item[]) => void, context: () => MenuContext): () => void {
  let applied: string | undefined;
  return () => {
    const current = context();
    const key = recentKey(current.recent);
    if (key === applied) return;
    apply(menuTemplate(current));
    applied = key;
  };
}
