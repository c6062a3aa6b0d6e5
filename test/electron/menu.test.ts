import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { ACCELERATORS, menuLabel, menuRefresher, menuTemplate, type MenuContext } from '../../src/main/electron/menu';
import type { RecentDataset } from '../../src/shared/views';

type Item = MenuItemConstructorOptions;

function recent(root: string, name: string): RecentDataset {
  return { root, name, openedAt: '2025-01-01T00:00:00.000Z' };
}

function context(overrides: Partial<MenuContext> = {}): MenuContext {
  return {
    appName: 'biascope',
    platform: 'linux',
    packaged: true,
    recent: [recent('/data/doctors', 'doctors'), recent('/data/R&D', 'R&D')],
    send: vi.fn(),
    ...overrides,
  };
}

function submenu(item: Item | undefined): Item[] {
  if (!Array.isArray(item?.submenu)) throw new Error(`${item?.label ?? item?.role} has no submenu`);
  return item.submenu;
}

function menu(template: Item[], label: string): Item[] {
  return submenu(template.find((item) => item.label?.replaceAll('&', '') === label));
}

function item(items: Item[], label: string): Item {
  const found = items.find((entry) => entry.label?.replace(/&(?!&)/g, '') === label);
  if (!found) throw new Error(`no item ${label} in ${items.map((entry) => entry.label ?? entry.role).join(', ')}`);
  return found;
}

function click(entry: Item): void {
  (entry.click as () => void)();
}

function roles(items: Item[]): string[] {
  return items.flatMap((entry) => (entry.role ? [entry.role] : []));
}

/** Every accelerator of a template, with its item. */
function accelerators(items: Item[]): string[] {
  return items.flatMap((entry) => [
    ...(typeof entry.accelerator === 'string' ? [entry.accelerator] : []),
    ...(Array.isArray(entry.submenu) ? accelerators(entry.submenu) : []),
  ]);
}

describe('menuTemplate', () => {
  it('has File, Edit, View, Window and Help on Windows and Linux', () => {
    const template = menuTemplate(context());
    expect(template.map((entry) => entry.label?.replaceAll('&', ''))).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(menu(template, 'Help'))).toEqual(['about']);
    expect(roles(menu(template, 'File'))).toContain('quit');
  });

  it('puts the app menu first on macOS, and Close in File', () => {
    const template = menuTemplate(context({ platform: 'darwin' }));
    expect(template[0]).toMatchObject({ role: 'appMenu', label: 'biascope' });
    expect(template.map((entry) => entry.label?.replaceAll('&', ''))).toEqual(['biascope', 'File', 'Edit', 'View', 'Window']);
    expect(roles(menu(template, 'File'))).toEqual(['close']);
    expect(roles(menu(template, 'Window'))).toEqual(['minimize', 'zoom', 'front']);
  });

  it('sends the page a command from each of its items', () => {
    const ctx = context();
    const template = menuTemplate(ctx);
    const file = menu(template, 'File');
    const expected: [Item, string, string][] = [
      [item(file, 'Open Dataset…'), 'open-dataset', ACCELERATORS.openDataset],
      [item(file, 'Open Model…'), 'open-model', ACCELERATORS.openModel],
      [item(file, 'Start Audit'), 'start-audit', ACCELERATORS.startAudit],
      [item(file, 'Review Spurious Focus…'), 'review-spurious', ACCELERATORS.reviewSpurious],
      [item(file, 'Export Report or Lists…'), 'export', ACCELERATORS.export],
      [item(menu(template, 'Edit'), 'Find…'), 'focus-search', ACCELERATORS.find],
      [item(menu(template, 'View'), 'Toggle Heatmap Overlay'), 'toggle-overlay', ACCELERATORS.toggleOverlay],
      [item(menu(template, 'View'), 'Next Colormap'), 'next-colormap', ACCELERATORS.nextColormap],
    ];
    for (const [entry, command, accelerator] of expected) {
      expect(entry.accelerator).toBe(accelerator);
      click(entry);
      expect(ctx.send).toHaveBeenLastCalledWith(command);
    }
  });

  it('lists recent datasets, each opening its folder', () => {
    const ctx = context();
    const recentMenu = submenu(item(menu(menuTemplate(ctx), 'File'), 'Open Recent'));
    expect(recentMenu.map((entry) => entry.label)).toEqual(['doctors', 'R&&D']);
    click(recentMenu[1]!);
    expect(ctx.send).toHaveBeenCalledWith('open-dataset', '/data/R&D');
  });

  it('tells datasets of the same name apart by folder', () => {
    const ctx = context({ recent: [recent('/a/train', 'train'), recent('/b/train', 'train'), recent('/c', '')] });
    const labels = submenu(item(menu(menuTemplate(ctx), 'File'), 'Open Recent')).map((entry) => entry.label);
    expect(labels).toEqual(['train — /a/train', 'train — /b/train', '/c']);
  });

  it('shows an empty recent list as a disabled item', () => {
    const recentMenu = submenu(item(menu(menuTemplate(context({ recent: [] })), 'File'), 'Open Recent'));
    expect(recentMenu).toEqual([{ label: 'No Recent Datasets', enabled: false }]);
  });

  it('keeps the standard edit roles, which copy and paste need on macOS', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const edit = roles(menu(menuTemplate(context({ platform })), 'Edit'));
      expect(edit).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
    }
  });

  it('offers zoom and full screen, and reload and developer tools only in development', () => {
    const packaged = roles(menu(menuTemplate(context({ packaged: true })), 'View'));
    expect(packaged).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    const development = roles(menu(menuTemplate(context({ packaged: false })), 'View'));
    expect(development).toEqual([...packaged, 'reload', 'forceReload', 'toggleDevTools']);
  });

  it('uses each accelerator once, all with a modifier, none on reload’s keys', () => {
    const all = accelerators(menuTemplate(context({ packaged: false })));
    expect(new Set(all).size).toBe(all.length);
    for (const accelerator of all) expect(accelerator).toMatch(/^CmdOrCtrl\+/);
    expect(all).not.toContain('CmdOrCtrl+R');
    expect(all).not.toContain('CmdOrCtrl+Shift+R');
  });

  it('escapes mnemonics in labels', () => {
    expect(menuLabel('R&D && more')).toBe('R&&D &&&& more');
  });
});

describe('menuRefresher', () => {
  it('applies the menu at once and again only when recent datasets change', () => {
    const apply = vi.fn();
    let datasets = [recent('/data/doctors', 'doctors')];
    const refresh = menuRefresher(apply, () => context({ recent: datasets }));
    refresh();
    expect(apply).toHaveBeenCalledTimes(1);
    refresh();
    expect(apply).toHaveBeenCalledTimes(1);

    datasets = [recent('/data/nurses', 'nurses'), ...datasets];
    refresh();
    expect(apply).toHaveBeenCalledTimes(2);
    const template = apply.mock.calls[1]?.[0] as Item[];
    const recentMenu = submenu(item(menu(template, 'File'), 'Open Recent'));
    expect(recentMenu.map((entry) => entry.label)).toEqual(['nurses', 'doctors']);
  });
});
