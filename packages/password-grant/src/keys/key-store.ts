import { Logger } from '@nestjs/common';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type {
  KeyDirectorySource,
  SigningKeyInput,
} from '../interfaces/password-grant-module-options.interface.js';
import { readKeyDirectory } from './key-directory.js';
import { loadSigningKeys, type SigningKey } from './signing-keys.js';

/** The least time between two reloads asked for by unknown `kid`s. */
export const UNKNOWN_KID_RELOAD_GAP_MS = 1000;

/** Where the keys come from, and how they are read again. */
export interface KeySource {
  /** The keys to use now: the signing key first. */
  load(now: number): SigningKey[];
  /** Milliseconds between reloads; undefined for keys fixed at startup. */
  reloadIntervalMs?: number;
}

/** Keys given in the options: read once. */
export function fixedKeySource(
  input: SigningKeyInput | SigningKeyInput[],
): KeySource {
  const keys = loadSigningKeys(input);
  const signer = keys.find(key => key.privateKey)!;
  const ordered = [signer, ...keys.filter(key => key !== signer)];
  return { load: () => ordered };
}

/**
 * A keys directory: its private key signs, and each rotated-out key keeps
 * verifying for `retentionMs` after its rotation (the longest access token
 * lifetime, the clock tolerance and one reload interval), or until it is
 * retired by hand.
 */
export function directoryKeySource(
  source: KeyDirectorySource,
  reloadIntervalMs: number,
  retentionMs: number,
): KeySource {
  return {
    reloadIntervalMs,
    load(now) {
      const { current, previous } = readKeyDirectory(source.directory);
      const live = previous.filter(
        entry => entry.rotatedAt.getTime() + retentionMs > now,
      );
      return [current, ...live.map(entry => entry.key)];
    },
  };
}

/**
 * The keys the library signs and verifies with. Keys read from a
 * directory are read again on an interval and, rate-limited, when a token
 * names an unknown `kid`, so apps pick up a rotation made by the CLI
 * without a restart. Verification stays synchronous: a reload reads a few
 * small files, and keys that did not change keep their objects.
 */
export class KeyStore {
  private readonly logger = new Logger(KeyStore.name);
  private readonly removedListeners: Array<() => void> = [];
  private current: SigningKey[] = [];
  private byKid = new Map<string, SigningKey>();
  private lastOnDemandReload = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: KeySource,
    private readonly now: () => number = Date.now,
  ) {
    this.use(source.load(this.now()));
  }

  /** Every key that verifies; the signing key first. */
  get keys(): SigningKey[] {
    return this.current;
  }

  /** The key new tokens are signed with. */
  get signingKey(): SigningKey {
    return this.current[0];
  }

  /** Milliseconds between reloads; undefined when keys never change. */
  get reloadIntervalMs(): number | undefined {
    return this.source.reloadIntervalMs;
  }

  /**
   * The key with this `kid`. An unknown `kid` makes a reloadable store
   * read its source again, at most once per
   * {@link UNKNOWN_KID_RELOAD_GAP_MS}.
   */
  find(kid: string): SigningKey | undefined {
    const key = this.byKid.get(kid);
    if (key || this.source.reloadIntervalMs === undefined) return key;
    const now = this.now();
    if (now - this.lastOnDemandReload < UNKNOWN_KID_RELOAD_GAP_MS) return;
    this.lastOnDemandReload = now;
    this.reload();
    return this.byKid.get(kid);
  }

  /** Calls `listener` after a reload that dropped a key. */
  onKeysRemoved(listener: () => void): void {
    this.removedListeners.push(listener);
  }

  /**
   * Reads the source again. A source that cannot be read leaves the keys
   * as they were and logs why (never key material).
   */
  reload(): void {
    let keys: SigningKey[];
    try {
      keys = this.source.load(this.now());
    } catch (error) {
      const reason =
        error instanceof PasswordGrantError ? error.message : 'unreadable';
      this.logger.warn(`Signing keys not reloaded: ${reason}`);
      return;
    }
    const kids = new Set(keys.map(key => key.kid));
    const removed = this.current.some(key => !kids.has(key.kid));
    this.use(keys);
    if (removed) this.removedListeners.forEach(listener => listener());
  }

  private use(keys: SigningKey[]): void {
    const byKid = new Map<string, SigningKey>();
    for (const key of keys) {
      const known = this.byKid.get(key.kid);
      byKid.set(key.kid, known && sameKey(known, key) ? known : key);
    }
    this.current = keys.map(key => byKid.get(key.kid)!);
    this.byKid = byKid;
  }
}

/** True when two loads of a key are the same key in the same role. */
function sameKey(a: SigningKey, b: SigningKey): boolean {
  return (
    a.algorithm === b.algorithm &&
    Boolean(a.privateKey) === Boolean(b.privateKey) &&
    a.publicKey.equals(b.publicKey)
  );
}
