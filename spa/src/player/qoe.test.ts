import { describe, expect, it } from 'vitest';
import { QoeMeter } from './qoe';

function meter() {
  let t = 1000;
  const m = new QoeMeter(() => t, 1000);
  return { m, at: (ms: number) => (t = ms) };
}

describe('QoeMeter', () => {
  it('measures the startup once and the time played on each rung', () => {
    const { m, at } = meter();
    expect(m.take()).toBeNull();
    m.rung(360);
    at(1750);
    m.firstFrame();
    m.progress(0);
    m.progress(0.25);
    m.progress(1);
    m.rung(720);
    m.progress(1.5);
    expect(m.take()).toEqual({
      startupMs: 750,
      stalls: 0,
      stallMs: 0,
      playedSeconds: 1.5,
      rungs: [
        { height: 360, seconds: 1 },
        { height: 720, seconds: 0.5 },
      ],
      switches: 1,
      droppedFrames: 0,
    });
    at(9000);
    m.firstFrame();
    expect(m.take()).toBeNull();
  });

  it('counts stalls after the first frame but not waits for a seek, and no jump as played', () => {
    const { m, at } = meter();
    m.rung(360);
    m.waiting(false); // before the first frame: that is the startup, not a stall
    at(1500);
    m.firstFrame();
    m.resumed();
    m.progress(10);
    m.waiting(true); // a seek
    at(3000);
    m.resumed();
    m.jumped();
    m.progress(60);
    m.progress(60.5);
    m.waiting(false);
    at(3400);
    m.resumed();
    const b = m.take()!;
    expect([b.stalls, b.stallMs, b.playedSeconds]).toEqual([1, 400, 0.5]);
  });

  it('splits a long stall across batches without counting it twice', () => {
    const { m, at } = meter();
    m.firstFrame();
    at(2000);
    m.waiting(false);
    at(2600);
    expect(m.take()).toMatchObject({ stalls: 1, stallMs: 600 });
    at(3000);
    m.resumed();
    expect(m.take()).toMatchObject({ stalls: 0, stallMs: 400 });
  });

  it('sends dropped frames as differences, the error once, and takes back a batch the server refused', () => {
    const { m } = meter();
    m.droppedFrames(5);
    const first = m.take()!;
    expect(first.droppedFrames).toBe(5);
    m.droppedFrames(7);
    m.failed('The video could not be loaded.');
    m.failed('something later');
    const second = m.take()!;
    expect(second).toMatchObject({ droppedFrames: 2, fatalError: 'The video could not be loaded.' });
    expect(m.take()).toBeNull();
    m.restore(second);
    expect(m.take()).toMatchObject({ droppedFrames: 2, fatalError: 'The video could not be loaded.' });
  });
});
