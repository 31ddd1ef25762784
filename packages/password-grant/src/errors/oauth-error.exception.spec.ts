import { describe, expect, it } from 'vitest';
import { OAuthErrorException } from './oauth-error.exception.js';

describe('OAuthErrorException', () => {
  it('renders { error, error_description } with the RFC 6749 §5.2 status', () => {
    const error = OAuthErrorException.invalidCredentials();
    expect(error.getStatus()).toBe(400);
    expect(error.getResponse()).toEqual({
      error: 'invalid_grant',
      error_description: 'The user credentials were incorrect.',
    });
  });

  it('answers invalid_client with 401 and a Basic challenge only when the header was used', () => {
    const header = OAuthErrorException.invalidClient('api', true);
    expect(header.getStatus()).toBe(401);
    expect(header.headers).toEqual({ 'WWW-Authenticate': 'Basic realm="api"' });
    expect(OAuthErrorException.invalidClient('api', false).headers).toEqual({});
  });

  it('keeps operator detail out of the body', () => {
    const error = new OAuthErrorException('invalid_request', 'Bad.', {
      detail: 'secret detail',
    });
    expect(JSON.stringify(error.getResponse())).not.toContain('secret detail');
    expect(error.detail).toBe('secret detail');
  });

  it('asks to retry when temporarily unavailable', () => {
    const error = OAuthErrorException.temporarilyUnavailable();
    expect(error.getStatus()).toBe(503);
    expect(error.headers['Retry-After']).toBe('5');
  });
});
