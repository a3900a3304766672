/**
 * Progress for long commands: a cli-progress bar with an ETA on a terminal, plain
 * periodic lines otherwise (CI logs). Nothing shows for work that ends within a moment.
 * This is CLI code: it may read the wall clock; the lab's code never does.
 * cli-progress is loaded only on a terminal (in the background, while the first second
 * passes in which nothing shows), never for logs, tests or `--quiet`.
 */
import type { SingleBar } from "cli-progress";

export interface Progress {
  update(fraction: number, label?: string): void;
  stop(): void;
}

export function progress(title: string, opts: { quiet?: boolean; delayMs?: number } = {}): Progress {
  if (opts.quiet) return { update() {}, stop() {} };
  const started = Date.now();
  const delay = opts.delayMs ?? 1000;
  const tty = process.stderr.isTTY === true;
  let lib: typeof import("cli-progress") | null = null;
  if (tty) void import("cli-progress").then((m) => (lib = m.default));
  let bar: SingleBar | null = null;
  let lastLine = 0;
  return {
    update(fraction, label = "") {
      const now = Date.now();
      if (now - started < delay) return;
      const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
      if (tty) {
        if (!lib) return; // still loading: the bar shows from the next update
        if (!bar) {
          bar = new lib.SingleBar(
            { format: `${title} [{bar}] {percentage}% | ETA {eta_formatted} | {label}`, stream: process.stderr, hideCursor: true, synchronousUpdate: true },
            lib.Presets.shades_classic,
          );
          bar.start(1000, 0, { label });
        }
        bar.update(Math.round(pct * 10), { label });
      } else if (now - lastLine > 5000) {
        lastLine = now;
        const elapsed = (now - started) / 1000;
        const eta = fraction > 0 ? (elapsed / fraction - elapsed).toFixed(0) : "?";
        process.stderr.write(`${title}: ${pct}% ${label} (elapsed ${elapsed.toFixed(0)} s, ETA ${eta} s)\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
