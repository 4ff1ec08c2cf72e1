// The one way the console talks to the server: same-origin fetch with the
// session cookie; every state-changing request carries the CSRF token given
// at sign-in (kept in memory only, never in storage).
export interface Me {
  name: string;
  roles: string[];
  carriers: number[];
  staff: number | null;
}

let csrf = "";
export function setCsrf(token: string) {
  csrf = token;
}

export class ApiError extends Error {
  constructor(public status: number, public problem: any) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
  }
}

export async function api(method: string, path: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && csrf) headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
