import { OAuthErrorException } from '../errors/oauth-error.exception.js';

/**
 * Reads the named parameters of a form or JSON body.
 *
 * RFC 6749 §3.2: parameters sent without a value are treated as omitted,
 * and none may appear more than once. A body parser turns a repeated or
 * bracketed name into an array or object, so anything but a string is
 * `invalid_request`. Parameters not named are ignored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function readParameters<K extends string>(
  body: unknown,
  names: readonly K[],
): Partial<Record<K, string>> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw OAuthErrorException.invalidRequest(
      'The request body must be a form or a JSON object.',
    );
  }
  const source = body as Record<string, unknown>;
  const result: Partial<Record<K, string>> = {};
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(source, name)) continue;
    const value = source[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') {
      throw OAuthErrorException.invalidRequest(
        `The "${name}" parameter must be sent once, as a string.`,
      );
    }
    result[name] = value;
  }
  return result;
}

/**
 * RFC 6749 Appendix A.15/A.16: usernames and passwords are
 * UNICODECHARNOCRLF, so control characters other than TAB and lone
 * surrogates are refused.
 */
export function isUnicodeCharNoCrlf(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0A-\x1F\x7F\uD800-\uDFFF]/u.test(value);
}
