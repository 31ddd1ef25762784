/**
 * Chile's RUN (Rol Único Nacional): a body of digits and a check digit,
 * written `12.345.678-5`. The check digit is modulo 11 over the body's
 * digits, read right to left, weighted 2, 3, 4, 5, 6, 7, 2, 3, ...;
 * 11 - (sum mod 11) gives the digit, with 11 written `0` and 10 written `K`.
 */

/** Longest input looked at; a RUN with dots and dash is 12 characters. */
const MAX_INPUT_LENGTH = 20;

/** Longest body after leading zeros are dropped. */
const MAX_BODY_DIGITS = 9;

/** Plain digits, or digits grouped by dots in threes; dash optional. */
const RUN_PATTERN = /^(\d+|\d{1,3}(?:\.\d{3})+)-?([\dK])$/;

/** The check digit of a RUN body (digits only). */
export function runCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index++) {
    const digit = Number(body[body.length - 1 - index]);
    sum += digit * (2 + (index % 6));
  }
  const check = 11 - (sum % 11);
  if (check === 11) return '0';
  if (check === 10) return 'K';
  return String(check);
}

/**
 * The stored form of a RUN, `12345678-5` (no dots, no leading zeros,
 * upper-case `K`), or null when the input is malformed or its check digit
 * is wrong. Accepts `12.345.678-5`, `12345678-5` and `123456785`, and
 * ignores surrounding spaces.
 */
export function normalizeRun(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) {
    return null;
  }
  const match = RUN_PATTERN.exec(input.trim().toUpperCase());
  if (!match) return null;
  const body = match[1].replaceAll('.', '').replace(/^0+/, '');
  if (body === '' || body.length > MAX_BODY_DIGITS) return null;
  const checkDigit = match[2];
  return runCheckDigit(body) === checkDigit ? `${body}-${checkDigit}` : null;
}
