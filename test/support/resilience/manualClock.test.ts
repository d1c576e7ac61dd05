// Goal: the manual clock fires timers in (time, creation) order at their own instants,
// including timers set by callbacks, and never fires a cleared timer.
// Method: record (label, now) at each callback; fast-check compares firing order with a
// stable sort of the schedule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './manualClock.ts';
import { SequenceRandom } from './sequenceRandom.ts';

describe('manual clock', () => {
  it('fires due timers in order, at their own time, including ones set during advance', () => {
    const clock = new ManualClock(10);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(5, () => fired.push(`c@${clock.now()}`));
    });
    const cleared = clock.setTimer(20, () => fired.push('never'));
    clock.clearTimer(cleared);
    clock.advance(25);
    expect(fired).toEqual(['a@20', 'c@25']);
    expect(clock.now()).toBe(35);
    clock.advance(100);
    expect(fired).toEqual(['a@20', 'c@25', 'b@40']);
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('property: timers fire in (time, creation order)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }), (delays) => {
        const clock = new ManualClock();
        const fired: number[] = [];
        delays.forEach((delay, index) => clock.setTimer(delay, () => fired.push(index)));
        clock.advance(50);
        const expected = delays.map((delay, index) => ({ delay, index })).sort((a, b) => a.delay - b.delay || a.index - b.index);
        expect(fired).toEqual(expected.map((entry) => entry.index));
      }),
    );
  });

  it('limits pending timers, and SequenceRandom replays its values', () => {
    const clock = new ManualClock(0, 2);
    clock.setTimer(1, () => undefined);
    clock.setTimer(1, () => undefined);
    expect(() => clock.setTimer(1, () => undefined)).toThrow(/too many/);
    const random = new SequenceRandom([0.1, 0.9]);
    expect([random.next(), random.int(10), random.next()]).toEqual([0.1, 9, 0.1]);
    expect(() => new SequenceRandom([1])).toThrow(/\[0, 1\)/);
  });
});
