import autocannon from 'autocannon';

/** What one bounded load produced. */
export interface LoadResult {
  /** 2xx answers per second over the measured time. */
  rps: number;
  ok: number;
  failed: number;
  seconds: number;
  latencyP99Ms: number;
}

/** Bounds of one load: connections, seconds, and an optional count. */
export interface LoadShape {
  connections: number;
  seconds: number;
  /** Stop after this many requests (the time bound still applies). */
  amount?: number;
}

type Request = autocannon.Request;

function run(
  url: string,
  shape: LoadShape,
  requests: Request[],
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const options: autocannon.Options = {
      url,
      connections: shape.connections,
      pipelining: 1,
      timeout: 10,
      requests,
      ...(shape.amount
        ? { amount: shape.amount }
        : { duration: shape.seconds }),
    };
    const instance = autocannon(options, (error, result) => {
      clearTimeout(deadline);
      if (error) return reject(error as Error);
      const seconds = Math.max(result.duration, 0.001);
      resolve({
        rps: result['2xx'] / seconds,
        ok: result['2xx'],
        failed: result.non2xx + result.errors + result.timeouts,
        seconds,
        latencyP99Ms: result.latency.p99,
      });
    });
    // `amount` runs have no duration of their own: stop them in time.
    const deadline = setTimeout(
      () => instance.stop(),
      (shape.seconds + 5) * 1000,
    );
  });
}

/** GETs `path`, each request with the next token of the pool. */
export function bearerLoad(
  baseUrl: string,
  path: string,
  tokens: string[],
  shape: LoadShape,
): Promise<LoadResult> {
  let next = 0;
  return run(baseUrl, shape, [
    {
      method: 'GET',
      path,
      setupRequest: request => ({
        ...request,
        headers: {
          authorization: `Bearer ${tokens[next++ % tokens.length]}`,
        },
      }),
    },
  ]);
}

/** A password-grant client and user. */
export interface LoginCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** POSTs password grants to `/oauth/token`. */
export function loginLoad(
  baseUrl: string,
  credentials: LoginCredentials,
  shape: LoadShape,
): Promise<LoadResult> {
  return run(baseUrl, shape, [
    {
      method: 'POST',
      path: '/oauth/token',
      headers: formHeaders(credentials),
      body: new URLSearchParams(passwordParams(credentials)).toString(),
    },
  ]);
}

function formHeaders(credentials: LoginCredentials): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: basicAuth(credentials.clientId, credentials.clientSecret),
  };
}

/** One POST to `/oauth/token`; the status and the parsed JSON body. */
async function postToken(
  baseUrl: string,
  credentials: LoginCredentials,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: formHeaders(credentials),
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function passwordParams(credentials: LoginCredentials): Record<string, string> {
  return {
    grant_type: 'password',
    username: credentials.username,
    password: credentials.password,
    scope: 'read',
  };
}

/** One password grant. */
export function login(baseUrl: string, credentials: LoginCredentials) {
  return postToken(baseUrl, credentials, passwordParams(credentials));
}

/** One refresh-token grant. */
export function refresh(
  baseUrl: string,
  credentials: LoginCredentials,
  refreshToken: string,
) {
  return postToken(baseUrl, credentials, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

/**
 * Refresh grants, each with an unused refresh token: answers put their
 * new refresh token back in the pool (rotation), so the pool never runs
 * dry while answers succeed.
 */
export function refreshLoad(
  baseUrl: string,
  credentials: LoginCredentials,
  pool: string[],
  shape: LoadShape,
): Promise<LoadResult> {
  return run(baseUrl, shape, [
    {
      method: 'POST',
      path: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(
          credentials.clientId,
          credentials.clientSecret,
        ),
      },
      setupRequest: request => ({
        ...request,
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: pool.shift() ?? 'pool-empty',
        }).toString(),
      }),
      onResponse: (status, body) => {
        if (status !== 200) return;
        const token = (JSON.parse(body) as { refresh_token?: string })
          .refresh_token;
        if (token) pool.push(token);
      },
    },
  ]);
}
