import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A registered client. The secret is kept only as a keyed digest.
 *
 * @publicApi
 */
@Entity({ name: 'oauth_clients' })
export class OAuthClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 255, nullable: true })
  secretHash!: string | null;

  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  /** Space-separated grant types, e.g. `password refresh_token`. */
  @Column({ name: 'grant_types', type: 'varchar', length: 255 })
  grantTypes!: string;

  @Column({ type: 'boolean', default: false })
  revoked!: boolean;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}
