/**
 * Framework semantics, ported from the scenarios of maybenot-io/maybenot
 * `crates/maybenot/src/framework.rs` tests (action overwrite within a batch, signals,
 * machine padding fraction, counters, state limits, replace-blocking) and checked
 * against chaff's Framework (shapers/maybenot/framework.ts).
 */
import { describe, expect, it } from "vitest";
import { MAX_SAMPLED_BLOCK_DURATION, MAX_SAMPLED_TIMEOUT, MAX_SAMPLED_TIMER_DURATION, STATE_END, STATE_SIGNAL, U64_MAX, U64_MAX_F } from "../../../shapers/maybenot/constants.ts";
import { ACT_BLOCK, ACT_NONE, ACT_PADDING, DAY_MICROS, Framework, U64_CAP } from "../../../shapers/maybenot/framework.ts";
import {
  BlockingBegin,
  BlockingEnd,
  NormalRecv,
  NormalSent,
  PaddingRecv,
  PaddingSent,
  TimerBegin,
} from "../../../shapers/maybenot/event.ts";
import { constant } from "../../../shapers/maybenot/dist.ts";
import { block, counter, machine, pad, state, testRng } from "./helpers.ts";

function padding(f: Framework, m: number): number | null {
  return f.actionKind[m] === ACT_PADDING ? f.actionTimeout[m] : null;
}

describe("maybenot framework", () => {
  it("one action per machine per call: later events overwrite earlier ones (trigger_events_actions)", () => {
    const m = machine([state({ PaddingSent: [1] }, pad(10)), state({ PaddingRecv: [0] }, pad(1))], { allowedPadding: 1000n, maxPaddingFrac: 1 });
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(BlockingBegin, 0, 0);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    f.trigger(PaddingSent, 0, 20);
    expect(padding(f, 0)).toBe(1);
    f.trigger(PaddingSent, 0, 40);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    f.trigger(PaddingRecv, -1, 40);
    expect(padding(f, 0)).toBe(10);
    for (let i = 0; i < 10; i++) {
      f.begin(40);
      f.event(PaddingSent, 0);
      f.event(PaddingRecv);
      f.end();
      expect(padding(f, 0)).toBe(10);
    }
    for (let i = 0; i < 10; i++) {
      f.begin(40);
      const seq = i % 2 === 0 ? [PaddingRecv, PaddingSent, PaddingRecv] : [PaddingSent, PaddingRecv, PaddingSent];
      for (const e of seq) f.event(e, 0);
      f.end();
      expect(padding(f, 0)).toBe(i % 2 === 0 ? 10 : 1);
    }
  });

  it("a signal reaches every other machine, not its sender (signal_one_machine)", () => {
    const s1 = state({}, pad(2));
    const m0 = machine([state({ NormalSent: [STATE_SIGNAL], Signal: [1] }), s1], { allowedPadding: 1000n, maxPaddingFrac: 1 });
    const m1 = machine([state({ Signal: [1] }), s1], { allowedPadding: 1000n, maxPaddingFrac: 1 });
    const f = new Framework([m0, m1], 0, 0, 0, testRng());
    f.trigger(NormalSent, -1, 0);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    expect(padding(f, 1)).toBe(2);
  });

  it("two machines signalling reach both (signal_two_machine); a response signal reaches the first (signal_response)", () => {
    const s0 = state({ NormalSent: [STATE_SIGNAL], Signal: [1] });
    const s1 = state({}, pad(2));
    const m = machine([s0, s1], { allowedPadding: 1000n, maxPaddingFrac: 1 });
    const f = new Framework([m, m], 0, 0, 0, testRng());
    f.trigger(NormalSent, -1, 0);
    expect([padding(f, 0), padding(f, 1)]).toEqual([2, 2]);

    const responder = machine([state({ Signal: [STATE_SIGNAL] }), s1], { allowedPadding: 1000n, maxPaddingFrac: 1 });
    const g = new Framework([m, responder], 0, 0, 0, testRng());
    g.trigger(NormalSent, -1, 0);
    expect(padding(g, 0)).toBe(2);
    expect(g.actionKind[1]).toBe(ACT_NONE);
  });

  it("machine padding fraction applies once the allowance is used (machine_max_padding_frac)", () => {
    const m = machine([state({ PaddingSent: [0], NormalSent: [0], NormalRecv: [0] }, pad(2))], { allowedPadding: 100n, maxPaddingFrac: 0.5 });
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(NormalRecv, -1, 0);
    for (let i = 0; i < 100; i++) {
      expect(padding(f, 0)).toBe(2);
      f.trigger(PaddingSent, 0, 0);
    }
    expect(f.actionKind[0]).toBe(ACT_NONE);
    f.trigger(NormalRecv, -1, 0);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    for (let i = 0; i < 100; i++) {
      f.trigger(NormalSent, -1, 0);
      expect(f.actionKind[0]).toBe(ACT_NONE);
    }
    f.trigger(NormalSent, -1, 0);
    expect(padding(f, 0)).toBe(2);
  });

  it("machine blocking fraction applies once the allowance is used (machine_max_blocking_frac)", () => {
    const m = machine([state({ BlockingBegin: [0], BlockingEnd: [0], NormalRecv: [0] }, block(2, 2))], { allowedBlocked: 10n, maxBlockingFrac: 0.5 });
    const f = new Framework([m], 0, 0, 0, testRng());
    let t = 0;
    f.trigger(NormalRecv, -1, t);
    for (let i = 0; i < 5; i++) {
      expect([f.actionKind[0], f.actionTimeout[0], f.actionDuration[0]]).toEqual([ACT_BLOCK, 2, 2]);
      f.trigger(BlockingBegin, 0, t);
      expect(f.actionKind[0]).toBe(ACT_BLOCK);
      t += 2;
      f.trigger(BlockingEnd, -1, t);
    }
    expect(f.actionKind[0]).toBe(ACT_NONE);
    expect(f.blockingDuration[0]).toBe(10);
    for (let i = 0; i < 5; i++) {
      t += 2;
      f.trigger(NormalRecv, -1, t);
      expect(f.actionKind[0]).toBe(ACT_NONE);
    }
    expect(t - f.machineStart[0]).toBe(20);
    t += 2;
    f.trigger(NormalRecv, -1, t);
    expect([f.actionKind[0], f.actionTimeout[0], f.actionDuration[0]]).toEqual([ACT_BLOCK, 2, 2]);
  });

  it("framework padding fraction caps all machines together", () => {
    const m = machine([state({ PaddingSent: [0], NormalSent: [0] }, pad(1))], { maxPaddingFrac: 0 });
    const f = new Framework([m], 0.25, 0, 0, testRng());
    let pads = 0;
    for (let i = 0; i < 400; i++) {
      f.trigger(NormalSent, -1, i);
      if (padding(f, 0) !== null) {
        pads++;
        f.trigger(PaddingSent, 0, i);
      }
    }
    expect(f.paddingSentPackets / (f.paddingSentPackets + f.normalSentPackets)).toBeLessThanOrEqual(0.25 + 1 / 400);
    expect(pads).toBeGreaterThan(90);
  });

  it("a sampled state limit ends the repeats with LimitReached; re-entering resamples it", () => {
    const m = machine(
      [state({ NormalSent: [1] }), state({ PaddingSent: [1], LimitReached: [2] }, pad(1, { limit: 3 })), state({ NormalSent: [1] })],
      { allowedPadding: 1000n },
    );
    const f = new Framework([m], 0, 0, 0, testRng());
    for (let round = 0; round < 2; round++) {
      f.trigger(NormalSent, -1, 0);
      expect(padding(f, 0)).toBe(1);
      f.trigger(PaddingSent, 0, 1);
      expect(padding(f, 0)).toBe(1);
      f.trigger(PaddingSent, 0, 2);
      expect(padding(f, 0)).toBe(1);
      f.trigger(PaddingSent, 0, 3);
      expect(f.actionKind[0]).toBe(ACT_NONE);
      expect(f.current[0]).toBe(2);
    }
  });

  it("counters: decrement to zero raises CounterZero once; saturate at 0; copy takes the other counter's old value", () => {
    // A: set to 3, then -1 per NormalSent until zero, then state 3 pads
    const m = machine(
      [
        state({ NormalSent: [1] }),
        state({ NormalSent: [2] }, null, counter("Set", 3)),
        state({ NormalSent: [2], CounterZero: [3] }, null, counter("Decrement")),
        state({}, pad(7)),
      ],
      { allowedPadding: 10n },
    );
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(NormalSent, -1, 0);
    expect(f.counterA[0]).toBe(3);
    f.trigger(NormalSent, -1, 0);
    f.trigger(NormalSent, -1, 0);
    expect(f.counterA[0]).toBe(1);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    f.trigger(NormalSent, -1, 0);
    expect(f.counterA[0]).toBe(0);
    expect(f.current[0]).toBe(3);
    expect(padding(f, 0)).toBe(7);

    const copy = machine([state({ NormalSent: [1] }, null, null), state({}, null, counter("Set", 4), counter("Increment", undefined, true))]);
    const g = new Framework([copy], 0, 0, 0, testRng());
    g.trigger(NormalSent, -1, 0);
    expect([g.counterA[0], g.counterB[0]]).toEqual([4, 0]);
    const under = machine([state({ NormalSent: [0] }, null, counter("Decrement", 5))]);
    const h = new Framework([under], 0, 0, 0, testRng());
    h.trigger(NormalSent, -1, 0);
    expect(h.counterA[0]).toBe(0);
  });

  it("counters cannot underflow, and no CounterZero fires for a counter already at 0 (counter_underflow_machine)", () => {
    const onward = { NormalSent: [0], NormalRecv: [1], CounterZero: [2] };
    const m = machine(
      [state(onward, null, null, counter("Decrement", 10)), state(onward, null, null, counter("Set", 0)), state({ NormalSent: [0], NormalRecv: [1] }, pad(2))],
      { allowedPadding: 1000n, maxPaddingFrac: 1 },
    );
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(NormalSent, -1, 0);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    expect(f.counterB[0]).toBe(0);
    f.trigger(NormalRecv, -1, 0);
    expect(f.actionKind[0]).toBe(ACT_NONE);
    expect(f.counterB[0]).toBe(0);
  });

  it("counters saturate at u64::MAX (counter_overflow_machine)", () => {
    const m = machine(
      [state({ NormalSent: [0], NormalRecv: [1] }, null, counter("Increment", 1000)), state({ NormalSent: [0], NormalRecv: [1] }, null, counter("Set", 18446744073709551615))],
      { allowedPadding: 1000n, maxPaddingFrac: 1 },
    );
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(NormalRecv, -1, 0);
    expect(f.counterA[0]).toBe(U64_CAP);
    f.trigger(NormalSent, -1, 0);
    expect(f.counterA[0]).toBe(U64_CAP);
  });

  it("a replacing BlockOutgoing is allowed while blocking is active, past the blocking fraction (framework_replace_blocking)", () => {
    const m = machine([state({ NormalSent: [0], BlockingBegin: [0] }, block(0, 100, { replace: true }))], { maxBlockingFrac: 0.01 });
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(NormalSent, -1, 0);
    expect(f.actionKind[0]).toBe(ACT_BLOCK);
    f.trigger(BlockingBegin, 0, 0);
    f.trigger(NormalSent, -1, 1000);
    expect(f.actionKind[0]).toBe(ACT_BLOCK);
    f.trigger(BlockingEnd, -1, 1000);
    f.trigger(NormalSent, -1, 1001);
    expect(f.actionKind[0]).toBe(ACT_NONE);
  });

  it("END stops a machine for good; the timer limit counts TimerBegin", () => {
    const m = machine([state({ NormalSent: [STATE_END] })]);
    const f = new Framework([m], 0, 0, 0, testRng());
    f.trigger(NormalSent, -1, 0);
    expect(f.allMachinesEnded()).toBe(true);
    const t = machine([state({ NormalSent: [1] }), state({ TimerBegin: [1] }, { kind: "UpdateTimer", replace: false, duration: constant(5), limit: constant(2) })]);
    const g = new Framework([t], 0, 0, 0, testRng());
    g.trigger(NormalSent, -1, 0);
    expect(g.actionDuration[0]).toBe(5);
    g.trigger(TimerBegin, 0, 0);
    expect(g.stateLimit[0]).toBe(1);
  });

  it("the literals used in arithmetic equal the constants (u64::MAX, one day)", () => {
    expect(U64_CAP).toBe(U64_MAX_F);
    expect(DAY_MICROS).toBe(MAX_SAMPLED_TIMEOUT);
    expect(DAY_MICROS).toBe(MAX_SAMPLED_BLOCK_DURATION);
    expect(DAY_MICROS).toBe(MAX_SAMPLED_TIMER_DURATION);
    expect(Number(U64_MAX)).toBe(U64_CAP);
  });

  it("refuses fractions outside [0, 1]", () => {
    expect(() => new Framework([], 1.5, 0, 0, testRng())).toThrow(/maxPaddingFrac 1\.5/);
  });
});
