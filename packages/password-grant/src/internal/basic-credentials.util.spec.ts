import { describe, expect, it } from 'vitest';
import { parseBasicCredentials } from './basic-credentials.util.js';

const encode = (value: string) => Buffer.from(value).toString('base64');

describe('parseBasicCredentials', () => {
  it('returns undefined without a header or for another scheme', () => {
    expect(parseBasicCredentials(undefined)).toBeUndefined();
    expect(parseBasicCredentials('Bearer abc')).toBeUndefined();
  });

  it('reads the id and secret, scheme case-insensitive', () => {
    expect(parseBasicCredentials(`bAsIc ${encode('id:secret')}`)).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
    });
  });

  it('form-decodes both parts (RFC 6749 §2.3.1)', () => {
    const header = `Basic ${encode('my+id:a%3Ab%25c%2B')}`;
    expect(parseBasicCredentials(header)).toEqual({
      clientId: 'my id',
      clientSecret: 'a:b%c+',
    });
  });

  it('splits at the first colon only', () => {
    expect(parseBasicCredentials(`Basic ${encode('id:se:cret')}`)).toEqual({
      clientId: 'id',
      clientSecret: 'se:cret',
    });
  });

  it.each([
    ['no credentials', 'Basic'],
    ['not base64', 'Basic ***'],
    ['no colon', `Basic ${encode('idsecret')}`],
    ['bad percent-encoding', `Basic ${encode('id:%E0%A4%A')}`],
  ])('returns null for %s', (_, header) => {
    expect(parseBasicCredentials(header)).toBeNull();
  });
});
