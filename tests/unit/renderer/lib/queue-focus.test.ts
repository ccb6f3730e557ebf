import { describe, expect, it } from 'vitest';
import { activeRow, neighbourOf, rowAfterKey } from '../../../../renderer/src/lib/queue-focus.js';

const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('the queue list as one Tab stop', () => {
  it('holds the stop on the row asked for while it exists, else the selected one, else the first', () => {
    expect(activeRow(rows, 'b', 'c')).toBe('b');
    expect(activeRow(rows, 'gone', 'c')).toBe('c');
    expect(activeRow(rows, undefined, 'gone')).toBe('a');
    expect(activeRow([], 'a')).toBeUndefined();
  });

  it('moves with the arrows, Home and End, stopping at the ends, and ignores other keys', () => {
    expect(rowAfterKey(rows, 'a', 'ArrowDown')).toBe('b');
    expect(rowAfterKey(rows, 'c', 'ArrowDown')).toBe('c');
    expect(rowAfterKey(rows, 'a', 'ArrowUp')).toBe('a');
    expect(rowAfterKey(rows, 'b', 'End')).toBe('c');
    expect(rowAfterKey(rows, 'c', 'Home')).toBe('a');
    expect(rowAfterKey(rows, 'b', 'Enter')).toBeUndefined();
    expect(rowAfterKey([], undefined, 'ArrowDown')).toBeUndefined();
  });

  it("gives a removed row's place to the next row, or the previous one at the end", () => {
    expect(neighbourOf(rows, 'a')).toBe('b');
    expect(neighbourOf(rows, 'c')).toBe('b');
    expect(neighbourOf([{ id: 'a' }], 'a')).toBeUndefined();
    expect(neighbourOf(rows, 'gone')).toBeUndefined();
  });
});
