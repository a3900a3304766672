/**
 * A tiny static file server (node:http) for the built notebooks: ES modules do not load
 * over file://, so the built site needs one. It serves files under `root` only (no path
 * escapes), answers `/` with a list of the pages, and `/favicon.ico` with 204.
 *
 * @example
 * const { url, close } = await serveStatic("notebooks/.observable/dist", { port: 0 });
 * // open `${url}overview.html`; later: await close();
 */
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";

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

export async function serveStatic(root: string, opts: ServeOptions = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (path === "/") {
      const pages = readdirSync(base).filter((f) => f.endsWith(".html")).sort();
      res.writeHead(200, { "content-type": TYPES[".html"] });
      res.end(`<!doctype html><meta charset="utf-8"><title>chaff notebooks</title><h1>chaff notebooks</h1><ul>${pages.map((p) => `<li><a href="${p}">${p}</a></li>`).join("")}</ul>`);
      return;
    }
    const file = normalize(join(base, path));
    if (!(file === base || file.startsWith(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": TYPES[".txt"] }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => ok());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
