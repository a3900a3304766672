/**
 * An exclusive lock file, so that two writers never append to one rows file at once
 * (two `chaff sweep` runs into the same `--out` and shard would otherwise both run every
 * point and write every row twice).
 *
 * The lock is a file created with O_EXCL holding its holder: pid, host, the kernel's
 * boot id and the process's start time (Linux `/proc`), and when it was taken. It is
 * removed on release (and on exit, SIGINT and SIGTERM). A lock left by a writer that
 * was killed is stale and taken over:
 * - on the same host and boot, when no process has the recorded pid, or the process that
 *   has it started at another time (the pid was reused, e.g. in a new container);
 * - from another host (a shared volume), when its heartbeat (the file's mtime, touched
 *   every 30 s while held) is older than `staleAfterMs` (default 10 minutes).
 * Otherwise taking it fails with an InputError naming the holder and the lock file.
 *
 * @example
 * const lock = acquireLock(join(out, "rows.jsonl.lock"), "sweep rows.jsonl");
 * try { ... } finally { lock.release(); }
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { InputError } from "../core/validation.ts";

export interface LockHolder {
  pid: number;
  host: string;
  boot: string | null;
  start: string | null;
  since: string;
}

export interface Lock {
  readonly path: string;
  release(): void;
}

const HEARTBEAT_MS = 30_000;
export const DEFAULT_STALE_MS = 10 * 60_000;

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
}

/** The kernel boot id (Linux), or null elsewhere. */
export function bootId(): string | null {
  return readText("/proc/sys/kernel/random/boot_id");
}

/** The start time of process `pid` in clock ticks since boot (Linux), or null when unknown or gone. */
export function processStart(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // Field 22, counted after the parenthesised command name (which may hold spaces).
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return rest[19] ?? null;
}

/** Whether a process with this pid exists on this host. */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function me(): LockHolder {
  return { pid: process.pid, host: hostname(), boot: bootId(), start: processStart(process.pid), since: new Date().toISOString() };
}

function parseHolder(text: string | null): LockHolder | null {
  if (!text) return null;
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid !== "number" || typeof h.host !== "string") return null;
    return { pid: h.pid, host: h.host, boot: typeof h.boot === "string" ? h.boot : null, start: typeof h.start === "string" ? h.start : null, since: String(h.since ?? "") };
  } catch {
    return null;
  }
}

/** Why the lock at `path` held by `holder` is stale, or null when its holder may still be writing. */
export function staleReason(path: string, holder: LockHolder | null, staleAfterMs = DEFAULT_STALE_MS): string | null {
  let age = Infinity;
  try {
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return "it is gone";
  }
  if (!holder) return age > 5_000 ? "it is unreadable" : null;
  const here = hostname();
  const boot = bootId();
  if (holder.host === here && (holder.boot === null || boot === null || holder.boot === boot)) {
    if (holder.pid === process.pid && holder.start === processStart(process.pid)) return null;
    if (!pidAlive(holder.pid)) return `process ${holder.pid} is gone`;
    const start = processStart(holder.pid);
    if (holder.start !== null && start !== null && start !== holder.start) return `pid ${holder.pid} now belongs to another process`;
    return null;
  }
  return age > staleAfterMs ? `no heartbeat from ${holder.host} for ${Math.round(age / 1000)} s` : null;
}

const held = new Set<string>();
let hooked = false;

function releaseAll(): void {
  for (const p of held) rmSync(p, { force: true });
  held.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", releaseAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      releaseAll();
      process.kill(process.pid, sig);
    });
  }
}

/**
 * Takes the lock at `path` (creating it exclusively), taking over a stale one. `what`
 * names what it guards in the refusal: `--out DIR: <what> is being written by …`.
 */
export function acquireLock(path: string, what: string, opts: { staleAfterMs?: number } = {}): Lock {
  const holder = me();
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new InputError([`${path}: cannot create the lock file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is the directory writable?`]);
      }
      const other = parseHolder(readText(path));
      const stale = staleReason(path, other, opts.staleAfterMs);
      if (stale === null) {
        const who = other ? `process ${other.pid} on ${other.host} since ${other.since}` : "another process";
        throw new InputError([
          `${what}: being written by ${who} (lock ${path}); wait for it to finish, or delete the lock if that process is gone`,
        ]);
      }
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(holder)}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(path);
    hookExit();
    const beat = setInterval(() => {
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {
        // The lock was removed under us; release() will not complain.
      }
    }, HEARTBEAT_MS);
    beat.unref();
    return {
      path,
      release() {
        clearInterval(beat);
        if (!held.delete(path)) return;
        const mine = parseHolder(readText(path));
        if (mine && mine.pid === holder.pid && mine.host === holder.host && mine.since === holder.since) rmSync(path, { force: true });
      },
    };
  }
  throw new InputError([`${what}: could not take the lock ${path} (another writer keeps taking it)`]);
}

/** Whether a lock file exists at `path` (for tests and messages). */
export function lockExists(path: string): boolean {
  return existsSync(path);
}
