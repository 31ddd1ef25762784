import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An issued refresh token, stored only as the SHA-256 digest of its value.
 *
 * @publicApi
 */
@Entity({ name: 'oauth_refresh_tokens' })
export class OAuthRefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Index({ unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'access_token_id', type: 'varchar', length: 64 })
  accessTokenId!: string;

  @Index()
  @Column({ name: 'client_id', type: 'varchar', length: 36 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  @Index()
  @Column({ name: 'grant_id', type: 'varchar', length: 64 })
  grantId!: string;

  @Column({ type: 'text' })
  scopes!: string;

  @Column({ type: 'boolean', default: false })
  revoked!: boolean;

  @Index()
  @Column({ name: 'revoked_at', nullable: true, type: Date })
  revokedAt!: Date | null;

  /** The refresh token this one was rotated from; null for the first. */
  @Index()
  @Column({ name: 'parent_id', type: 'varchar', length: 64, nullable: true })
  parentId!: string | null;

  @Column({ name: 'used_at', nullable: true, type: Date })
  usedAt!: Date | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'expires_at' })
  expiresAt!: Date;
}
