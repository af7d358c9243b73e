import { describe, expect, it } from 'vitest';
import { globMatcher } from './glob.js';

describe('globMatcher', () => {
  it.each([
    ['auto-mesh*', 'auto-mesh-connector/10.0.0.1:55671', true],
    ['auto-mesh*', 'auto-mesh', true],
    ['auto-mesh*', 'my-auto-mesh', false],
    ['l?', 'l1', true],
    ['l?', 'l12', false],
    ['a.b', 'a.b', true],
    ['a.b', 'aXb', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['*', '', true],
  ])('%s against %s is %s', (glob, name, expected) => {
    expect(globMatcher([glob])(name)).toBe(expected);
  });

  it('matches nothing without globs', () => {
    expect(globMatcher([])('anything')).toBe(false);
  });
});
