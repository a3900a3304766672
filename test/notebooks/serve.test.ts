/**
 * The notebook server under hostile requests (issue 16, case 6): malformed requests get
 * 400, a Host that is not the bound address gets 421 (DNS rebinding), and no request
 * takes the server down.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostAllowed, serveStatic } from "../../notebooks/serve.ts";

let root = "";
let port = 0;
let close: () => Promise<void> = async () => {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "chaff-serve-"));
  const site = join(root, "site");
  mkdirSync(site);
  writeFileSync(join(site, "overview.html"), "<!doctype html><p>hi</p>");
  writeFileSync(join(site, `x"><img src=x onerror=alert(1)>.html`), "evil name");
  writeFileSync(join(root, "secret.txt"), "secret");
  symlinkSync(join(root, "secret.txt"), join(site, "link.txt"));
  const s = await serveStatic(site, { port: 0 });
  port = Number(new URL(s.url).port);
  close = s.close;
});

afterAll(async () => {
  await close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw HTTP exchange (so malformed paths and headers reach the server as sent). */
function raw(text: string): Promise<string> {
  return new Promise((ok, fail) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    socket.setTimeout(5000, () => socket.destroy());
    let data = "";
    socket.on("data", (d) => (data += d.toString()));
    socket.on("end", () => ok(data));
    socket.on("close", () => ok(data));
    socket.on("error", fail);
  });
}

const status = (response: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1]);
const get = (path: string, host = `127.0.0.1:${port}`) => raw(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

function fetchStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode ?? 0));
    });
    req.on("error", fail);
    req.end();
  });
}

describe("notebook server", () => {
  it("serves pages, with escaped names in the page list", async () => {
    expect(status(await get("/overview.html"))).toBe(200);
    const list = await get("/");
    expect(status(list)).toBe(200);
    expect(list).not.toContain("<img src=x");
    expect(list).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("answers a malformed percent-encoding with 400 and keeps serving", async () => {
    for (const bad of ["/%E0%A4%A", "/%", "/%zz", "/a%00b", "/..%5c..%5csecret.txt"]) expect(status(await get(bad)), bad).toBe(400);
    expect(status(await get("/overview.html"))).toBe(200);
  });

  it("checks Host against the address it binds (DNS rebinding gets 421)", async () => {
    expect(status(await get("/overview.html", `localhost:${port}`))).toBe(200);
    expect(status(await get("/overview.html", "attacker.example"))).toBe(421);
    expect(status(await get("/overview.html", `attacker.example:${port}`))).toBe(421);
    expect(status(await get("/overview.html", "127.0.0.1:1"))).toBe(421);
    expect(status(await raw("GET /overview.html HTTP/1.0\r\n\r\n"))).toBe(400);
    expect(hostAllowed(`[::1]:${port}`, "::1", port)).toBe(true);
    expect(hostAllowed("10.0.0.5:80", "0.0.0.0", 80)).toBe(true);
    expect(hostAllowed("evil.example:80", "0.0.0.0", 80)).toBe(false);
  });

  it("answers garbage with 400, other methods with 405, escapes and links with 404, and never dies", async () => {
    expect(status(await raw("\u0000\u0001garbage\r\n\r\n"))).toBe(400);
    expect(status(await raw(`GET /${"a".repeat(70_000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`))).toBeGreaterThanOrEqual(400);
    expect(status(await raw(`POST /overview.html HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`))).toBe(405);
    expect(status(await get("/../secret.txt"))).toBe(404);
    expect(status(await get("/%2e%2e/secret.txt"))).toBe(404);
    expect(status(await get("/link.txt"))).toBe(404);
    expect(status(await get("http://evil/overview.html"))).toBe(400);
    expect(await fetchStatus("/overview.html")).toBe(200);
  });
});
