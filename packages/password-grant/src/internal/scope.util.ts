/**
 * A scope token: RFC 6749 §3.3 allows %x21 / %x23-5B / %x5D-7E.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The wildcard scope, which satisfies any scope check. */
export const ALL_SCOPES = '*';

/**
 * Splits a `scope` parameter on spaces. Returns null when a token breaks
 * the RFC 6749 §3.3 syntax.
 */
export function parseScope(value: string | undefined): string[] | null {
  if (value === undefined) return [];
  const names = value.split(' ').filter(name => name !== '');
  if (!names.every(name => SCOPE_TOKEN.test(name))) return null;
  return [...new Set(names)];
}

/** True when the granted scopes hold every required one. */
export function hasAllScopes(granted: string[], required: string[]): boolean {
  if (granted.includes(ALL_SCOPES)) return true;
  return required.every(name => granted.includes(name));
}

/** True when the granted scopes hold at least one of the listed ones. */
export function hasAnyScope(granted: string[], listed: string[]): boolean {
  if (granted.includes(ALL_SCOPES) || listed.length === 0) return true;
  return listed.some(name => granted.includes(name));
}

/** True when both lists name the same scopes, in any order. */
export function sameScopes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every(name => b.includes(name));
}
