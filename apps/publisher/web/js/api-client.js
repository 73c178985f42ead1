// The publisher's HTTP API (`/api/*`), with the bearer token on every request.

export class ApiError extends Error {
  constructor(status, code, reason) {
    super(`${code}: ${reason}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.reason = reason;
  }
}

/**
 * @param {{ getToken: () => string | null, onUnauthorized: (error: ApiError) => void }} options
 */
export function createApiClient({ getToken, onUnauthorized }) {
  async function get(path, params = {}) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(url, { headers });
    let body = null;
    try {
      body = await response.json();
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    if (!response.ok) {
      const error = new ApiError(
        response.status,
        typeof body?.code === 'string' ? body.code : `HTTP_${response.status}`,
        typeof body?.reason === 'string' ? body.reason : response.statusText,
      );
      if (response.status === 401) onUnauthorized(error);
      throw error;
    }
    return body;
  }

  return {
    latestSignals: () => get('/api/signals/latest'),
    /** `{ symbol, from, to, limit, cursor, version | asOf }` → `{ rows, nextCursor, tableVersion }`. */
    predictions: (params) => get('/api/gold/predictions', params),
    accuracy: (params) => get('/api/gold/accuracy', params),
    bars: (params) => get('/api/gold/bars', params),
    tableHistory: (table, limit) => get(`/api/tables/${encodeURIComponent(table)}/history`, { limit }),
  };
}

/** `rows` of a list response, whether the server wraps it (`{ rows }`) or not. */
export function rowsOf(body) {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body.rows)) return body.rows;
  return [];
}
