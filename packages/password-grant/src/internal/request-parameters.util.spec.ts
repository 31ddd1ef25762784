import { describe, expect, it } from 'vitest';
import { OAuthErrorException } from '../errors/oauth-error.exception.js';
import {
  isUnicodeCharNoCrlf,
  readParameters,
} from './request-parameters.util.js';

const names = ['grant_type', 'username'] as const;

describe('readParameters', () => {
  it('reads named string parameters and ignores the rest', () => {
    expect(
      readParameters({ grant_type: 'password', foo: ['x'] }, names),
    ).toEqual({
      grant_type: 'password',
    });
  });

  it('treats empty values as omitted (RFC 6749 §3.2)', () => {
    expect(readParameters({ grant_type: '', username: null }, names)).toEqual(
      {},
    );
  });

  it.each([
    ['an array (repeated parameter)', { username: ['a', 'b'] }],
    ['an object', { username: { $ne: 'x' } }],
    ['a number', { username: 7 }],
  ])('refuses %s with invalid_request', (_, body) => {
    try {
      readParameters(body, names);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OAuthErrorException);
      expect((error as OAuthErrorException).getResponse()).toMatchObject({
        error: 'invalid_request',
      });
    }
  });

  it('refuses a body that is not an object', () => {
    expect(() => readParameters(['x'], names)).toThrow(OAuthErrorException);
    expect(() => readParameters('x', names)).toThrow(OAuthErrorException);
  });
});

describe('isUnicodeCharNoCrlf', () => {
  it('accepts tabs, spaces and any Unicode', () => {
    expect(isUnicodeCharNoCrlf('p\u00e4ss word\t\u{1F600}')).toBe(true);
  });

  it.each(['a\u0000b', 'a\nb', 'a\rb', 'a\u007fb', 'a\ud800b'])(
    'rejects %j',
    value => {
      expect(isUnicodeCharNoCrlf(value)).toBe(false);
    },
  );
});
