import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './oauth-exception.filter.js';

const withCode = (code: string, message = 'failed') =>
  Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a PostgreSQL admin shutdown (57P01)', withCode('57P01')],
    ['a statement timeout (57014)', withCode('57014')],
    ['too many connections (53300)', withCode('53300')],
    ['a connection failure (08006)', withCode('08006')],
    ['a busy SQLite file', withCode('SQLITE_BUSY')],
    ['a connect timeout', new Error('timeout expired')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a server starting up', new Error('the database system is starting up')],
    [
      'a wrapped driver error',
      Object.assign(new Error('query failed'), {
        driverError: withCode('57P01'),
      }),
    ],
    [
      'an error caused by a refused connection',
      new Error('unreachable', { cause: withCode('ECONNREFUSED') }),
    ],
  ])('%s → true', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['a programming error', new TypeError('x is not a function')],
    ['a non-error value', 'ECONNREFUSED'],
    ['null', null],
  ])('%s → false', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
