import { describe, expect, it } from 'vitest';
import { normalizeRun, runCheckDigit } from './run.util.js';

describe('runCheckDigit', () => {
  it.each([
    ['12345678', '5'],
    ['11111111', '1'],
    ['20000003', 'K'],
    ['1000005', 'K'],
    ['1000013', '0'],
    ['22222222', '2'],
    ['5', '1'],
    ['7', '8'],
  ])('gives %s the check digit %s', (body, checkDigit) => {
    expect(runCheckDigit(body)).toBe(checkDigit);
  });
});

describe('normalizeRun', () => {
  it.each([
    ['12.345.678-5', '12345678-5'],
    ['12345678-5', '12345678-5'],
    ['123456785', '12345678-5'],
    ['12.345.6785', '12345678-5'],
    ['  12.345.678-5 ', '12345678-5'],
    ['\t12345678-5\n', '12345678-5'],
    ['20.000.003-K', '20000003-K'],
    ['20000003-k', '20000003-K'],
    ['20000003k', '20000003-K'],
    ['1.000.013-0', '1000013-0'],
    ['012.345.678-5', '12345678-5'],
    ['0012345678-5', '12345678-5'],
    ['5-1', '5-1'],
    ['51', '5-1'],
  ])('reads %j as %s', (input, expected) => {
    expect(normalizeRun(input)).toBe(expected);
  });

  it.each([
    ['wrong check digit', '12.345.678-4'],
    ['K where a digit belongs', '12.345.678-K'],
    ['digit where K belongs', '20.000.003-0'],
    ['empty', ''],
    ['spaces only', '   '],
    ['check digit only', '5'],
    ['zero body', '0-0'],
    ['zeros only', '000000000-0'],
    ['dots in the wrong places', '1.2345.678-5'],
    ['dot before the dash', '12.345.678.-5'],
    ['inner space', '12 345 678-5'],
    ['two dashes', '12345678--5'],
    ['letters in the body', '12a45678-5'],
    ['another letter as check digit', '12345678-X'],
    ['a body of ten digits', '1234567890-3'],
    ['an over-long input', `${'0'.repeat(30)}12345678-5`],
    ['a plus sign', '+12345678-5'],
    ['full-width digits', '１２３４５６７８-５'],
  ])('refuses %s (%j)', (_label, input) => {
    expect(normalizeRun(input)).toBeNull();
  });

  it.each([[undefined], [null], [12345678], [['12345678-5']]])(
    'refuses the non-string %j',
    input => {
      expect(normalizeRun(input)).toBeNull();
    },
  );
});
