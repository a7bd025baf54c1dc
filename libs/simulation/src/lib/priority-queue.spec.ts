import { MinHeap } from './priority-queue';

describe('MinHeap', () => {
  it('pops in time order, equal times first-in-first-out', () => {
    const heap = new MinHeap<{ time: number; seq: number; name: string }>();
    const items = [5, 1, 3, 1, 9, 3, 0].map((time, seq) => ({ time, seq, name: `${time}/${seq}` }));
    for (const item of items) heap.push(item);
    const out: string[] = [];
    while (heap.size > 0) out.push(heap.pop()?.name ?? '');
    expect(out).toEqual(['0/6', '1/1', '1/3', '3/2', '3/5', '5/0', '9/4']);
    expect(heap.pop()).toBeUndefined();
  });

  it('re-sorts when the top item is rescheduled', () => {
    const heap = new MinHeap<{ time: number; seq: number }>();
    const a = { time: 1, seq: 0 };
    const b = { time: 2, seq: 1 };
    heap.push(a);
    heap.push(b);
    a.time = 3;
    heap.topChanged();
    expect(heap.peek()).toBe(b);
  });
});
