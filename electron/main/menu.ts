import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu, standard roles only (Electron supplies the labels, shortcuts and
 * translations): the app menu on macOS, File (Close on macOS, Quit elsewhere), Edit, View, Window,
 * Help. Reload and the developer tools are there only when running from source (`npm start`), not
 * in an installed app. Only a type comes from `electron`, so this is tested in plain Node.
 */
export function menuTemplate(options: { isMac: boolean; isDev: boolean; about: () => void }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    ...(options.isDev ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(options.isMac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Baken', click: options.about }] },
  ];
}
