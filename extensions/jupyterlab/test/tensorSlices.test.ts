import { describe, expect, it, vi } from 'vitest';
import { requestSlice, TENSOR_TARGET } from '../src/tensorSlices';

/** A kernel connection whose comms answer as the test says (the part requestSlice uses). */
function fakeKernel(behave: (comm: FakeComm, data: any) => void) {
  const comms: FakeComm[] = [];
  return {
    comms,
    createComm(target: string) {
      const c = new FakeComm(target, behave);
      comms.push(c);
      return c as any;
    }
  };
}

class FakeComm {
  onMsg: ((msg: any) => void) | null = null;
  onClose: ((msg: any) => void) | null = null;
  isDisposed = false;
  opened: any = null;
  closes = 0;
  constructor(public target: string, private behave: (comm: FakeComm, data: any) => void) {}
  open(data: any) {
    this.opened = data;
    this.behave(this, data);
    return { done: Promise.resolve() };
  }
  close() {
    this.closes++;
    this.isDisposed = true;
    this.onClose?.({ content: { data: {} } });
  }
  reply(data: any) {
    this.onMsg?.({ content: { data } });
  }
}

const request = { id: 'abc', index: [1, 0, 0], rows_axis: 1, cols_axis: 2 };
const sample = { offset: [1, 0, 0], shape: [1, 2], data: [[12, 13]], truncated: true };

describe('djl.tensor requests', () => {
  it('opens the target with the request, resolves with the answer and closes the comm', async () => {
    const k = fakeKernel((c, data) => setTimeout(() => c.reply({ id: data.id, sample })));
    await expect(requestSlice(k, request)).resolves.toEqual({ sample });
    expect(k.comms[0].target).toBe(TENSOR_TARGET);
    expect(k.comms[0].opened).toEqual(request);
    expect(k.comms[0].closes).toBe(1);
  });
  it('tells an array the kernel no longer holds from a bad request', async () => {
    const gone = fakeKernel(c => c.reply({ id: 'abc', error: 'the kernel no longer holds this array', gone: true }));
    await expect(requestSlice(gone, request)).resolves.toEqual({ error: 'the kernel no longer holds this array', gone: true });
    const bad = fakeKernel(c => c.reply({ error: 'index 9 is out of range for axis 0 of size 2' }));
    await expect(requestSlice(bad, request)).resolves.toMatchObject({ gone: false });
  });
  it('treats a kernel without the target (it closes the comm) as gone', async () => {
    const k = fakeKernel(c => setTimeout(() => c.onClose?.({ content: { data: {} } })));
    const r = await requestSlice(k, request);
    expect(r).toMatchObject({ gone: true });
  });
  it('gives up after the timeout without calling the array gone', async () => {
    vi.useFakeTimers();
    try {
      const k = fakeKernel(() => {});
      const p = requestSlice(k, request, 5000);
      vi.advanceTimersByTime(5001);
      const r = await p;
      expect(r).toMatchObject({ gone: false });
      expect((r as { error: string }).error).toMatch(/no answer/);
      expect(k.comms[0].closes).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
  it('survives a kernel that cannot create comms', async () => {
    const k = { createComm: () => { throw new Error('Kernel is dead'); } };
    await expect(requestSlice(k as any, request)).resolves.toMatchObject({ gone: false });
  });
});
