// A binary min-heap of numbers (event times): the simulation's pending departures. No heap is among the
// dependencies, and this one is a typed array with no allocation per event, which a million events a run want.
export class MinHeap {
  private items: Float64Array;
  size = 0;

  constructor(capacity = 1024) {
    this.items = new Float64Array(Math.max(1, capacity));
  }

  push(x: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= x) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = x;
  }

  peek(): number {
    if (this.size === 0) throw new Error("MinHeap: empty");
    return this.items[0];
  }

  pop(): number {
    if (this.size === 0) throw new Error("MinHeap: empty");
    const a = this.items;
    const top = a[0];
    const last = a[--this.size];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && a[r] < a[l] ? r : l;
      if (a[c] >= last) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }
}
