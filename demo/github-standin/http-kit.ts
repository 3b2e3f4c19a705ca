import type { IncomingHttpHeaders } from "node:http";

// The smallest router that serves GitHub-shaped JSON: patterns like /repos/:owner/:repo/issues/:number,
// with *name for a tail that may contain slashes (contents paths, git refs).
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  method: string;
  /** The path without the /api/v3 prefix and without the query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** http://host:port/api/v3 as the client addressed us: for url fields and Link headers. */
  apiBase: string;
  /** http://host:port */
  origin: string;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

/** A GitHub-style error answer: `{ message }` with the status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split("/")
      .map((segment) => {
        if (segment.startsWith(":")) return (names.push(segment.slice(1)), "([^/]+)");
        if (segment.startsWith("*")) return (names.push(segment.slice(1)), "(.+)");
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return { handler: route.handler, params };
    }
    return null;
  }
}

/** Serves one page of a list the way GitHub does: ?per_page (max 100) & ?page, with a Link header. */
export function paginate<T>(ctx: RouteContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.get("per_page")) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.get("page")) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.set("page", String(n));
    return `<${ctx.apiBase}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(", ") } : {},
  };
}

/** Reads a field of a JSON body, answering 422 as GitHub does when it is missing or of the wrong type. */
export function field<T>(body: unknown, name: string, check: (v: unknown) => v is T, required = true): T | undefined {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || value === null) {
    if (required) throw new HttpError(422, `Invalid request.\n\n"${name}" wasn't supplied.`);
    return undefined;
  }
  if (!check(value)) throw new HttpError(422, `Invalid request.\n\nInvalid value for "${name}".`);
  return value;
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
export const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
