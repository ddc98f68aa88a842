import { describe, expect, it } from 'vitest';
import { PatternList, PatternListError, splitList } from '../../../src/mirror/pattern-list.js';

describe('PatternList', () => {
  it("splits like Kafka's LIST type and matches whole names", () => {
    expect(splitList(' a , b,c ')).toEqual(['a', 'b', 'c']);
    expect(splitList('  ')).toEqual([]);
    const l = PatternList.compile('orders.*, pay');
    expect(l.matches('orders')).toBe(true);
    expect(l.matches('orders-eu')).toBe(true);
    expect(l.matches('pay')).toBe(true);
    expect(l.matches('payments')).toBe(false);
    expect(l.matches('my-orders')).toBe(false);
  });
  it('matches nothing when empty (not everything, as an empty regex would)', () => {
    expect(PatternList.compile('').matches('')).toBe(false);
    expect(PatternList.compile([]).matches('x')).toBe(false);
  });
  it('keeps alternatives inside one pattern anchored', () => {
    const l = PatternList.compile('a|b');
    expect(l.matches('a')).toBe(true);
    expect(l.matches('ab')).toBe(false);
  });
  it("translates Java's (?i) and \\Q…\\E", () => {
    expect(PatternList.compile('(?i)orders').matches('ORDERS')).toBe(true);
    const q = PatternList.compile('\\Qa.b*\\E.*');
    expect(q.matches('a.b*c')).toBe(true);
    expect(q.matches('axb*c')).toBe(false);
  });
  it('names the bad pattern and the regex error', () => {
    expect(() => PatternList.compile('ok, orders[')).toThrow(PatternListError);
    expect(() => PatternList.compile('ok, orders[')).toThrow(/invalid regex 'orders\['/);
    expect(() => PatternList.compile('\\Aorders')).toThrow(/Java-only anchor/);
    expect(() => PatternList.compile('a*+')).toThrow(/invalid regex 'a\*\+'/);
    expect(() => PatternList.compile('(?i)a, b')).toThrow(/\(\?i\)/);
  });
});
