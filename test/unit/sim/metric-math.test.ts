import { describe, expect, it } from 'vitest';
import { evaluate, parseExpression, references, type MathValue } from '../../../src/sim/metric-math.js';

const series = (points: Record<number, number>): Map<number, number> => new Map(Object.entries(points).map(([t, v]) => [Number(t), v]));
const values: Record<string, MathValue> = {
  m1: series({ 1: 5, 2: 0, 3: 9 }),
  m2: series({ 1: 100, 2: 0, 3: 300, 4: 50 }),
};
const run = (text: string, grid: number[] = [1, 2, 3, 4]): MathValue =>
  evaluate(parseExpression(text), (id) => {
    const v = values[id];
    if (v === undefined) throw new Error(`unknown ${id}`);
    return v;
  }, grid);

describe('metric math', () => {
  it('computes 100*m1/m2 on shared timestamps, leaving out divisions by zero', () => {
    expect(run('100*m1/m2')).toEqual(series({ 1: 5, 3: 3 }));
  });

  it('follows precedence, parentheses and unary minus', () => {
    expect(run('2 + 3 * 4')).toBe(14);
    expect(run('(2 + 3) * 4')).toBe(20);
    expect(run('-m1 + 10')).toEqual(series({ 1: 5, 2: 10, 3: 1 }));
    expect(run('m2 - m1 * 2')).toEqual(series({ 1: 90, 2: 0, 3: 282 }));
    expect(run('1.5e2 / 3')).toBe(50);
  });

  it('fills gaps with FILL over the request grid', () => {
    expect(run('FILL(m1, 0) + m2')).toEqual(series({ 1: 105, 2: 0, 3: 309, 4: 50 }));
  });

  it('lists the ids an expression uses', () => {
    expect(references(parseExpression('100 * (m1 + FILL(errors, 0)) / total'))).toEqual(['m1', 'errors', 'total']);
  });

  it.each(['100*', 'm1 m2', '(m1', 'm1 $ 2', 'NOPE(m1)'])('rejects %j as Invalid', (text) => {
    expect(() => run(text)).toThrow(expect.objectContaining({ code: 'Invalid' }));
  });
});
