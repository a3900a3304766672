/**
 * A tiny static file server (node:http) for the built notebooks: ES modules do not load
 * over file://, so the built site needs one. It serves files under `root` only (no path
 * escapes), answers `/` with a list of the pages, and `/favicon.ico` with 204.
 *
 * It treats every request as hostile and never dies on one:
 * - only GET and HEAD (405 otherwise); a path that is not valid percent-encoding, holds
 *   a NUL or a backslash, or is longer than 2,048 characters gets 400;
 * - the `Host` header must name the address the server is bound to, with its port:
 *   `127.0.0.1:PORT`, or `localhost:PORT` for a loopback address (bound to a wildcard
 *   address, any IP literal or `localhost` with the right port). Anything else gets 421,
 *   so a web page that re-points its own domain at 127.0.0.1 (DNS rebinding) cannot read
 *   the notebooks; a request without `Host` gets 400;
 * - a malformed request line (the HTTP parser's `clientError`) gets 400 and the
 *   connection is closed; an error while reading a file ends that response only;
 * - file names in the page list are HTML-escaped.
 *
 * @example
 * const { url, close } = await serveStatic("notebooks/.observable/dist", { port: 0 });
 * // open `${url}overview.html`; later: await close();
 */
import { createReadStream, existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { escapeHtml } from "./escape.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

export interface ServeOptions {
  /** Port (0 = any free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: never exposed beyond this machine). */
  host?: string;
}

const MAX_PATH = 2048;

/** The bare host of a Host header value (`[::1]:3000` → `::1`, `Example.org.:80` → `example.org`), and its port. */
export function splitHostHeader(value: string): { host: string; port: string | null } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  return { host: (m[1] ?? m[2]).toLowerCase().replace(/\.$/, ""), port: m[3] ?? null };
}

const LOOPBACK = (h: string) => h === "127.0.0.1" || h === "::1" || /^127\./.test(h);
const WILDCARD = (h: string) => h === "0.0.0.0" || h === "::";

/**
 * Whether a request's Host header may be answered by a server bound to `bound`:`port`.
 * The port must match; the host must be the bound address, or `localhost` when bound to
 * a loopback address, or any IP literal or `localhost` when bound to a wildcard.
 */
export function hostAllowed(header: string | undefined, bound: string, port: number): boolean {
  if (!header) return false;
  const h = splitHostHeader(header);
  if (!h || h.port !== String(port)) return false;
  const b = bound.toLowerCase();
  if (h.host === b) return true;
  if (h.host === "localhost") return LOOPBACK(b) || WILDCARD(b);
  if (WILDCARD(b)) return isIP(h.host) !== 0;
  return false;
}

function send(res: ServerResponse, status: number, body: string, type = TYPES[".txt"]): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(body);
}

export async function serveStatic(root: string, opts: ServeOptions = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const base = realpathSync(resolve(root));
  let boundHost = "127.0.0.1";
  let boundPort = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hostAllowed(req.headers.host, boundHost, boundPort)) {
      send(res, req.headers.host ? 421 : 400, req.headers.host ? "misdirected request: this server answers only to its own address\n" : "bad request: no Host header\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      send(res, 405, "method not allowed\n");
      return;
    }
    const raw = req.url ?? "/";
    if (raw.length > MAX_PATH || !raw.startsWith("/")) {
      send(res, 400, "bad request: malformed path\n");
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(raw, "http://localhost").pathname);
    } catch {
      send(res, 400, "bad request: malformed percent-encoding\n");
      return;
    }
    if (path.includes("\0") || path.includes("\\")) {
      send(res, 400, "bad request: malformed path\n");
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (path === "/") {
      const pages = readdirSync(base).filter((f) => f.endsWith(".html")).sort();
      const list = pages.map((p) => `<li><a href="${escapeHtml(encodeURIComponent(p))}">${escapeHtml(p)}</a></li>`).join("");
      send(res, 200, `<!doctype html><meta charset="utf-8"><title>chaff notebooks</title><h1>chaff notebooks</h1><ul>${list}</ul>`, TYPES[".html"]);
      return;
    }
    const file = normalize(join(base, path));
    let real: string | null = null;
    try {
      real = file.startsWith(base + sep) && existsSync(file) ? realpathSync(file) : null;
    } catch {
      real = null;
    }
    if (!real || !real.startsWith(base + sep) || !statSync(real).isFile()) {
      send(res, 404, "not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(real)] ?? "application/octet-stream", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const stream = createReadStream(real);
    stream.on("error", () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      try {
        send(res, 500, "internal error\n");
      } catch {
        res.destroy();
      }
    }
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => ok());
  });
  const { address, port } = server.address() as AddressInfo;
  boundHost = address;
  boundPort = port;
  const hostInUrl = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${hostInUrl}:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
