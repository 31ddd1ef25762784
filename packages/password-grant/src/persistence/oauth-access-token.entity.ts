import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An issued access token, keyed by its `jti`. The token itself is a JWT and
 * is never stored.
 *
 * @publicApi
 */
@Entity({ name: 'oauth_access_tokens' })
export class OAuthAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Index()
  @Column({ name: 'client_id', type: 'varchar', length: 36 })
  clientId!: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  /** The password grant this token descends from. */
  @Index()
  @Column({ name: 'grant_id', type: 'varchar', length: 64 })
  grantId!: string;

  @Column({ type: 'text' })
  scopes!: string;

  @Column({ type: 'boolean', default: false })
  revoked!: boolean;

  /** When the token was revoked; guards poll this column. */
  @Index()
  @Column({ name: 'revoked_at', nullable: true, type: Date })
  revokedAt!: Date | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'expires_at' })
  expiresAt!: Date;
}
