/**
 * A binary max-heap that breaks ties exactly as Rust's `std::collections::BinaryHeap`
 * does (push: sift up while the element is greater than its parent; pop: move the last
 * element to the root, sift the hole down to the bottom along the larger child — the
 * right one on a tie — then sift up). maybenot-io/maybenot's simulator keeps its event
 * queues in such heaps, and events that compare equal (same time, same class) leave in
 * the order this algorithm gives; copying it makes the Maybenot-compatible simulator
 * (simulator.ts) reproduce the reference traces tie for tie.
 *
 * `cmp(a, b)` returns a positive number when a is "greater" (leaves first), negative
 * when smaller, 0 when equal — Rust's `Ord::cmp` of the heap element.
 */
export class RustHeap<T> {
  private readonly data: T[] = [];

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get length(): number {
    return this.data.length;
  }

  peek(): T | undefined {
    return this.data[0];
  }

  /** Elements in storage order (Rust's `iter()`: arbitrary but deterministic). */
  items(): readonly T[] {
    return this.data;
  }

  push(item: T): void {
    this.data.push(item);
    this.siftUp(0, this.data.length - 1);
  }

  pop(): T | undefined {
    const d = this.data;
    const last = d.pop();
    if (last === undefined || d.length === 0) return last;
    const top = d[0];
    d[0] = last;
    this.siftDownToBottom(0);
    return top;
  }

  private siftUp(start: number, pos: number): number {
    const d = this.data;
    const elem = d[pos];
    while (pos > start) {
      const parent = (pos - 1) >> 1;
      if (this.cmp(elem, d[parent]) <= 0) break;
      d[pos] = d[parent];
      pos = parent;
    }
    d[pos] = elem;
    return pos;
  }

  private siftDownToBottom(pos: number): void {
    const d = this.data;
    const end = d.length;
    const start = pos;
    const elem = d[pos];
    let child = 2 * pos + 1;
    while (child <= end - 2) {
      if (this.cmp(d[child], d[child + 1]) <= 0) child += 1;
      d[pos] = d[child];
      pos = child;
      child = 2 * pos + 1;
    }
    if (child === end - 1) {
      d[pos] = d[child];
      pos = child;
    }
    d[pos] = elem;
    this.siftUp(start, pos);
  }
}
