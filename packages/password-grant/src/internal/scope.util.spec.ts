import { describe, expect, it } from 'vitest';
import {
  hasAllScopes,
  hasAnyScope,
  parseScope,
  sameScopes,
} from './scope.util.js';

describe('parseScope', () => {
  it('returns [] when no scope is sent', () => {
    expect(parseScope(undefined)).toEqual([]);
  });

  it('splits on spaces and drops duplicates', () => {
    expect(parseScope('read  write read')).toEqual(['read', 'write']);
  });

  it.each(['a"b', 'a\\b', 'a\tb', 'caf\u00e9', 'a\u0001'])(
    'rejects %j, outside the RFC 6749 §3.3 syntax',
    value => {
      expect(parseScope(value)).toBeNull();
    },
  );
});

describe('scope checks', () => {
  it('requires every scope for hasAllScopes', () => {
    expect(hasAllScopes(['read', 'write'], ['read', 'write'])).toBe(true);
    expect(hasAllScopes(['read'], ['read', 'write'])).toBe(false);
  });

  it('lets * satisfy any scope', () => {
    expect(hasAllScopes(['*'], ['admin'])).toBe(true);
    expect(hasAnyScope(['*'], ['admin'])).toBe(true);
  });

  it('requires one listed scope for hasAnyScope', () => {
    expect(hasAnyScope(['read'], ['write', 'read'])).toBe(true);
    expect(hasAnyScope(['read'], ['write'])).toBe(false);
  });

  it('compares scope sets in any order', () => {
    expect(sameScopes(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameScopes(['a'], ['a', 'b'])).toBe(false);
  });
});
