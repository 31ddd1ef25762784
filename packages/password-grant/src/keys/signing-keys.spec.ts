import { Logger } from '@nestjs/common';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSigningKeys } from './signing-keys.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

function keyFile(mode: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keys-')), 'oauth-private.key');
  writeFileSync(path, privateKey);
  chmodSync(path, mode);
  return path;
}

describe('private key file permissions (SECURITY C24)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns once, without key material, when others can read the key', () => {
    const warn = vi
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    const path = keyFile(0o644);
    loadSigningKeys({ privateKey: path });
    loadSigningKeys({ privateKey: path });
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0][0]);
    expect(message).toContain('mode 644');
    expect(message).toContain('chmod 600');
    expect(message).not.toMatch(/BEGIN|MII/);
  });

  it('stays quiet for mode 600', () => {
    const warn = vi
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    loadSigningKeys({ privateKey: keyFile(0o600) });
    expect(warn).not.toHaveBeenCalled();
  });
});
