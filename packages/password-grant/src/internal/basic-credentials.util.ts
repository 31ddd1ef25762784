/** Client credentials found in an `Authorization: Basic` header. */
export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Parses `Authorization: Basic ...`.
 *
 * Returns undefined when the header is absent or uses another scheme, and
 * null when it is Basic but malformed. RFC 6749 §2.3.1: the id and secret
 * are form-urlencoded before base64; the scheme is case-insensitive.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function parseBasicCredentials(
  header: string | undefined,
): BasicCredentials | null | undefined {
  if (!header) return undefined;
  const match = /^basic(?:\s+(\S*))?\s*$/i.exec(header.trim());
  if (!match) return undefined;
  const encoded = match[1] ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      clientSecret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return null;
  }
}
