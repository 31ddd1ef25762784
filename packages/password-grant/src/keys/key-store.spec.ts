import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { PREVIOUS_KEYS_FILE, PRIVATE_KEY_FILE } from './key-directory.js';
import { keysFromDirectory, writeKeyPair } from './key-files.js';
import { listKeys, retireKey, rotateKeyPair } from './key-rotation.js';
import {
  directoryKeySource,
  KeyStore,
  UNKNOWN_KID_RELOAD_GAP_MS,
} from './key-store.js';

const RETENTION_MS = 60_000;

describe('keys directory and KeyStore', () => {
  let dir: string;
  let now: number;
  let store: () => KeyStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'key-store-'));
    await writeKeyPair(dir, { length: 2048 });
    now = Date.parse('2026-01-01T00:00:00Z');
    store = () =>
      new KeyStore(
        directoryKeySource({ directory: dir }, 10_000, RETENTION_MS),
        () => now,
      );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the private key with mode 600 and refuses to overwrite it', async () => {
    expect(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    await expect(writeKeyPair(dir)).rejects.toThrow(/--force/);
    const before = listKeys(dir).current;
    await writeKeyPair(dir, { force: true, length: 2048 });
    expect(listKeys(dir).current).not.toBe(before);
  });

  it('after a rotation signs with the new key and still verifies with the old one', async () => {
    const keys = store();
    const old = keys.signingKey.kid;
    const { kid, previousKid } = await rotateKeyPair(dir, {
      length: 2048,
      now: new Date(now),
    });
    expect(previousKid).toBe(old);
    expect(kid).not.toBe(old);
    keys.reload();
    expect(keys.signingKey.kid).toBe(kid);
    expect(keys.signingKey.privateKey).toBeDefined();
    expect(keys.keys.map(key => key.kid)).toEqual([kid, old]);
    expect(keys.find(old)?.privateKey).toBeUndefined();
    expect(store().find(old)).toBeDefined();
  });

  it('retires a previous key by hand, and refuses to retire the signing key', async () => {
    const { kid, previousKid } = await rotateKeyPair(dir, { length: 2048 });
    const keys = store();
    let removed = 0;
    keys.onKeysRemoved(() => removed++);
    await expect(retireKey(dir, kid)).rejects.toThrow(/signing key/);
    await expect(retireKey(dir, 'nope')).rejects.toThrow(previousKid);
    await retireKey(dir, previousKid);
    keys.reload();
    expect(keys.find(previousKid)).toBeUndefined();
    expect(keys.keys.map(key => key.kid)).toEqual([kid]);
    expect(removed).toBe(1);
  });

  it('drops a previous key by itself once the retention has passed', async () => {
    const { previousKid } = await rotateKeyPair(dir, {
      length: 2048,
      now: new Date(now),
    });
    const keys = store();
    now += RETENTION_MS - 1;
    keys.reload();
    expect(keys.find(previousKid)).toBeDefined();
    now += 1;
    keys.reload();
    expect(keys.keys).toHaveLength(1);
    expect(listKeys(dir).previous.map(key => key.kid)).toEqual([previousKid]);
  });

  it('reloads for an unknown kid at most once per gap', async () => {
    const keys = store();
    expect(keys.find('unknown')).toBeUndefined();
    const { kid } = await rotateKeyPair(dir, { length: 2048 });
    now += UNKNOWN_KID_RELOAD_GAP_MS - 1;
    expect(keys.find(kid)).toBeUndefined();
    now += 1;
    expect(keys.find(kid)?.kid).toBe(kid);
    expect(keys.signingKey.kid).toBe(kid);
  });

  it('reads the directory once for a flood of unknown kids (RFC 8725 §3.10: kid is untrusted)', () => {
    const source = directoryKeySource({ directory: dir }, 10_000, RETENTION_MS);
    let loads = 0;
    const keys = new KeyStore(
      { ...source, load: at => (loads++, source.load(at)) },
      () => now,
    );
    for (let i = 0; i < 1000; i++) {
      expect(keys.find(`../../../dev/null-${i}`)).toBeUndefined();
    }
    expect(loads).toBe(2);
  });

  it('keeps its keys when the directory turns unreadable, without echoing key material', () => {
    const keys = store();
    const kid = keys.signingKey.kid;
    writeFileSync(join(dir, PREVIOUS_KEYS_FILE), '{ not json');
    keys.reload();
    expect(keys.signingKey.kid).toBe(kid);
    expect(() => store()).toThrow(PasswordGrantError);
  });

  it('refuses an empty or missing private key without printing key material', () => {
    writeFileSync(join(dir, PRIVATE_KEY_FILE), '');
    expect(() => store()).toThrow(/empty or not a valid PEM key/);
    rmSync(dir, { recursive: true });
    expect(() => store()).toThrow(/No private key in/);
  });

  it('keysFromDirectory gives a directory source, or fixed keys from PEM variables', () => {
    expect(keysFromDirectory(dir, {})).toEqual({ directory: dir });
    expect(
      keysFromDirectory(dir, { PASSWORD_GRANT_KEYS_RELOAD_INTERVAL: '2' }),
    ).toEqual({ directory: dir, reloadInterval: 2 });
    const pem = '-----BEGIN PRIVATE KEY-----\n';
    expect(
      keysFromDirectory(dir, { PASSWORD_GRANT_PRIVATE_KEY: pem }),
    ).toMatchObject({ privateKey: pem });
  });
});
