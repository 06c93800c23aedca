// The API client: fetch with the session cookie, the CSRF token on every
// change, and the server's error body turned into an ApiError the forms
// can show next to the field it names.

export interface ErrorDetail {
  field?: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly problems: ErrorDetail[];
  constructor(status: number, code: string, message: string, field?: string, problems: ErrorDetail[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.problems = problems;
  }
  /**
   * The message for one form field, if the server named it, said as the
   * field's own: the server's "name: is required" is "Is required" under
   * the Name field (the field is its label already).
   */
  forField(name: string): string | undefined {
    const said = this.field === name ? this.message : this.problems.find((p) => p.field === name)?.message;
    if (said === undefined) return undefined;
    const own = said.startsWith(name + ": ") ? said.slice(name.length + 2) : said;
    return own.charAt(0).toUpperCase() + own.slice(1);
  }
}

type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

let csrfToken = "";
let onSignedOut: (() => void) | null = null;

/** setCSRF records the session's CSRF token (from sign-in or /auth/csrf). */
export function setCSRF(token: string) {
  csrfToken = token;
}

/** csrfHeader is the header a change sent with fetch directly (a streamed answer) must carry. */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { "X-CSRF-Token": csrfToken } : {};
}

/** onUnauthorized registers what to do when the session is gone (401). */
export function onUnauthorized(fn: (() => void) | null) {
  onSignedOut = fn;
}

export function buildURL(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => params.append(k, String(x)));
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function refreshCSRF(): Promise<boolean> {
  const res = await fetch("/api/v1/auth/csrf", { credentials: "same-origin" });
  if (!res.ok) return false;
  const body = (await res.json()) as { csrf_token: string };
  csrfToken = body.csrf_token;
  return true;
}

async function toError(res: Response): Promise<ApiError> {
  let code = "http_" + res.status;
  let message = res.statusText || "request failed";
  let field: string | undefined;
  let problems: ErrorDetail[] = [];
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; field?: string; problems?: ErrorDetail[]; details?: ErrorDetail[] };
    };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      field = body.error.field;
      problems = body.error.problems ?? body.error.details ?? [];
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message, field, problems);
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 does not sign the app out (the sign-in form itself). */
  quiet401?: boolean;
  /** Headers beside the client's own (If-Match on a workflow's draft). */
  headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const send = () => {
    const headers: Record<string, string> = { ...opts.headers, Accept: "application/json" };
    let body: BodyInit | undefined;
    if (opts.body instanceof FormData) {
      body = opts.body;
    } else if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
    return fetch(buildURL(path, opts.query), { method, headers, body, credentials: "same-origin", signal: opts.signal });
  };
  let res = await send();
  if (res.status === 403 && method !== "GET") {
    // A CSRF refusal names the header: fetch the token again, once.
    const err = await toError(res.clone());
    if (err.field === "X-CSRF-Token" && (await refreshCSRF())) res = await send();
  }
  if (res.status === 401 && !opts.quiet401) onSignedOut?.();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>("GET", path, { query, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>("POST", path, { body, headers }),
  put: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>("PUT", path, { body, headers }),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, { body }),
  del: <T>(path: string) => request<T>("DELETE", path),
};

/** A page of a list endpoint. */
export interface Page<T> {
  data: T[];
  next_cursor?: string;
}

/** allPages reads a list whole, following its cursor, 200 items a page and
 * at most maxPages pages (a next_cursor is left when it stopped short):
 * for the lists a screen needs entire — the workspace's people, tags,
 * snippets, workflows — which a workspace may well have more than 200 of. */
export async function allPages<T>(path: string, query?: Query, signal?: AbortSignal, maxPages = 50): Promise<Page<T>> {
  const data: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await api.get<Page<T>>(path, { ...query, limit: 200, cursor }, signal);
    data.push(...page.data);
    if (!page.next_cursor) return { data };
    cursor = page.next_cursor;
  }
  return { data, next_cursor: cursor };
}
