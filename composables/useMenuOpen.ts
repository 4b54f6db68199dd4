/** Whether the rooms menu (an off-canvas panel on phones) is open. */
export function useMenuOpen() {
  return useState('menu-open', () => false)
}
