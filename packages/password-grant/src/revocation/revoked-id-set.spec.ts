import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RevokedIdSet } from './revoked-id-set.js';

const jti = () => randomBytes(20).toString('hex');

describe('RevokedIdSet', () => {
  it('holds 200 000 random ids and tells them from others', () => {
    const set = new RevokedIdSet();
    const ids = Array.from({ length: 200_000 }, jti);
    ids.forEach(id => set.set(id, 1000));
    expect(set.size).toBe(200_000);
    expect(ids.every(id => set.has(id))).toBe(true);
    expect(Array.from({ length: 10_000 }, jti).some(id => set.has(id))).toBe(
      false,
    );
  });

  it('counts an id once and moves its expiry', () => {
    const set = new RevokedIdSet();
    const id = jti();
    set.set(id, 1000);
    set.set(id, 5000);
    expect(set.size).toBe(1);
    set.prune(2000);
    expect(set.has(id)).toBe(true);
  });

  it('forgets expired ids on prune and shrinks', () => {
    const set = new RevokedIdSet();
    const old = Array.from({ length: 5000 }, jti);
    const fresh = Array.from({ length: 100 }, jti);
    old.forEach(id => set.set(id, 1000));
    fresh.forEach(id => set.set(id, 9000));
    set.prune(2000);
    expect(set.size).toBe(100);
    expect(old.some(id => set.has(id))).toBe(false);
    expect(fresh.every(id => set.has(id))).toBe(true);
  });

  it('keeps ids of another shape in a plain map', () => {
    const set = new RevokedIdSet();
    set.set('custom-id', 1000);
    set.set('ABCDEF0123456789ABCDEF0123', 1000);
    expect(set.has('custom-id')).toBe(true);
    expect(set.has('ABCDEF0123456789ABCDEF0123')).toBe(true);
    expect(set.has('other')).toBe(false);
    set.prune(2000);
    expect(set.size).toBe(0);
  });
});
