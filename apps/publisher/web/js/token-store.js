// The access token: taken once from `?token=`, kept in sessionStorage, never left in the address bar.

const STORAGE_KEY = 'lakehouse.publisher.token';

/**
 * Moves a `?token=` from the URL into session storage and removes it from the address bar (so it does not stay in
 * the history or get shared with a copied link). Returns the stored token, if any.
 */
export function adoptTokenFromUrl(win = window) {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    if (fromUrl.trim() !== '') saveToken(fromUrl.trim(), win);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  return loadToken(win);
}

export function loadToken(win = window) {
  return win.sessionStorage.getItem(STORAGE_KEY);
}

export function saveToken(token, win = window) {
  win.sessionStorage.setItem(STORAGE_KEY, token);
}

export function clearToken(win = window) {
  win.sessionStorage.removeItem(STORAGE_KEY);
}
