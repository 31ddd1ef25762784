import type { PrintedDemo } from './app-process.js';

/** What a test keeps of an HTTP answer. */
export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
  ms: number;
}

/** Sends a request and reads the whole answer, timing it. */
export async function send(url: string, init: RequestInit): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return {
    status: res.status,
    headers: res.headers,
    body,
    text,
    ms: performance.now() - started,
  };
}

function basicAuth(demo: PrintedDemo): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  const pair = `${encode(demo.clientId)}:${encode(demo.clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** POST a form to an OAuth endpoint with the demo client's Basic auth. */
export function postForm(
  baseUrl: string,
  path: string,
  demo: PrintedDemo,
  form: Record<string, string>,
): Promise<Answer> {
  return send(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(demo),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** The password grant for the demo user. */
export function passwordGrant(
  baseUrl: string,
  demo: PrintedDemo,
): Promise<Answer> {
  return postForm(baseUrl, '/oauth/token', demo, {
    grant_type: 'password',
    username: demo.username,
    password: demo.password,
    scope: 'read',
  });
}

export function refreshGrant(
  baseUrl: string,
  demo: PrintedDemo,
  refreshToken: string,
): Promise<Answer> {
  return postForm(baseUrl, '/oauth/token', demo, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

export function revoke(
  baseUrl: string,
  demo: PrintedDemo,
  token: string,
): Promise<Answer> {
  return postForm(baseUrl, '/oauth/revoke', demo, { token });
}

/** GET /me with a bearer token: a guarded route of the example. */
export function me(baseUrl: string, accessToken: string): Promise<Answer> {
  return send(`${baseUrl}/me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

/** The parts of an error answer a client must never see. */
export const LEAK =
  /at \/|node_modules|SELECT|INSERT|UPDATE|127\.0\.0\.1|localhost|:\d{4,5}\b|ECONN|postgres|typeorm|Error:/i;
