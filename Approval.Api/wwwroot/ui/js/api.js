// The same REST API the kiosks use: bearer token from the sign-in, Accept-Language from the language switch,
// RFC 9457 problem details turned into ApiError (status, title, detail, errors keyed by JSON path, retry-after).
import { acceptLanguage } from './i18n.js';

const KEY = 'approval.token';

export const session = {
  get token() { return sessionStorage.getItem(KEY); },
  set(token) { sessionStorage.setItem(KEY, token); },
  clear() { sessionStorage.removeItem(KEY); },
  /** The token's claims (role, sub, department), or null. Read for display only: the API checks signature and lifetime (401). */
  get claims() {
    const token = this.token;
    return token ? decodeClaims(token) : null;
  },
};

export function decodeClaims(token) {
  const part = token.trim().split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem?.title;
    this.detail = problem?.detail;
    this.errors = problem?.errors ?? {};
    this.problem = problem ?? {};
    this.retryAfter = retryAfter;
  }
}

export async function api(path, { method = 'GET', body, headers = {}, form, raw } = {}) {
  const h = { 'Accept-Language': acceptLanguage(), ...headers };
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { h['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload });
  } catch (e) {
    throw new ApiError(0, { title: e.message });
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, problem, response.headers.get('Retry-After'));
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}
