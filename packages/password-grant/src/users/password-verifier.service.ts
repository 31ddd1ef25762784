import { Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const DEFAULT_COST = 10;

/**
 * Compares passwords with bcrypt hashes. Laravel's `$2y$` hashes verify
 * unchanged. When there is no user, {@link burn} spends the same work on a
 * dummy hash, so an unknown username cannot be told from a wrong password
 * by timing (OWASP Authentication cheat sheet).
 */
@Injectable()
export class PasswordVerifier {
  private readonly dummyHashes = new Map<number, Promise<string>>();
  private lastCost = DEFAULT_COST;

  /** True when the password matches the hash; false for a malformed hash. */
  async verify(password: string, hash: unknown): Promise<boolean> {
    const match = typeof hash === 'string' ? BCRYPT_HASH.exec(hash) : null;
    if (!match) {
      await this.burn();
      return false;
    }
    this.lastCost = Number(match[1]);
    // node's bcrypt reads $2b$; $2y$ (PHP) is the same algorithm.
    return bcrypt.compare(
      password,
      (hash as string).replace(/^\$2y\$/, '$2b$'),
    );
  }

  /** Runs one bcrypt compare that cannot succeed. */
  async burn(): Promise<void> {
    const hash = await this.dummyHash(this.lastCost);
    await bcrypt.compare('password-grant-dummy-password', hash);
  }

  private dummyHash(cost: number): Promise<string> {
    let hash = this.dummyHashes.get(cost);
    if (!hash) {
      hash = bcrypt.hash('password-grant-dummy', cost);
      this.dummyHashes.set(cost, hash);
    }
    return hash;
  }
}
