import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type OAuth2Server from '@node-oauth/oauth2-server';
import bcrypt from 'bcrypt';
import { User } from 'example-basic';
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Column,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Repository,
} from 'typeorm';

@Entity({ name: 'peer_clients' })
export class PeerClient {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ type: 'varchar', length: 255 })
  grants!: string;
}

@Entity({ name: 'peer_tokens' })
export class PeerToken {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index({ unique: true })
  @Column({ name: 'access_token', type: 'varchar', length: 128 })
  accessToken!: string;

  @Column({ name: 'access_token_expires_at', type: 'datetime' })
  accessTokenExpiresAt!: Date;

  @Index({ unique: true })
  @Column({
    name: 'refresh_token',
    type: 'varchar',
    length: 128,
    nullable: true,
  })
  refreshToken!: string | null;

  @Column({
    name: 'refresh_token_expires_at',
    type: 'datetime',
    nullable: true,
  })
  refreshTokenExpiresAt!: Date | null;

  @Column({ type: 'varchar', length: 255 })
  scope!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The oauth2-server model: clients, users and tokens through TypeORM. */
@Injectable()
export class PeerTokenModel
  implements OAuth2Server.PasswordModel, OAuth2Server.RefreshTokenModel
{
  constructor(
    @InjectRepository(PeerClient)
    private readonly clients: Repository<PeerClient>,
    @InjectRepository(PeerToken) private readonly tokens: Repository<PeerToken>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  async getClient(clientId: string, clientSecret: string) {
    const client = await this.clients.findOneBy({ id: clientId });
    if (!client) return false;
    const expected = Buffer.from(client.secretHash, 'hex');
    if (!timingSafeEqual(sha256(clientSecret ?? ''), expected)) return false;
    return { id: client.id, grants: client.grants.split(' ') };
  }

  async getUser(username: string, password: string) {
    const user = await this.users.findOne({
      where: { email: username },
      select: { id: true, password: true },
    });
    if (!user || !(await bcrypt.compare(password, user.password))) {
      return false;
    }
    return { id: user.id };
  }

  async saveToken(
    token: OAuth2Server.Token,
    client: OAuth2Server.Client,
    user: OAuth2Server.User,
  ) {
    await this.tokens.insert({
      accessToken: token.accessToken,
      accessTokenExpiresAt: token.accessTokenExpiresAt!,
      refreshToken: token.refreshToken ?? null,
      refreshTokenExpiresAt: token.refreshTokenExpiresAt ?? null,
      scope: (token.scope ?? []).join(' '),
      clientId: client.id,
      userId: Number(user.id),
    });
    return { ...token, client, user };
  }

  async getAccessToken(accessToken: string) {
    const row = await this.tokens.findOneBy({ accessToken });
    if (!row) return false;
    return {
      accessToken: row.accessToken,
      accessTokenExpiresAt: row.accessTokenExpiresAt,
      scope: row.scope.split(' '),
      client: { id: row.clientId, grants: [] },
      user: { id: row.userId },
    };
  }

  async getRefreshToken(refreshToken: string) {
    const row = await this.tokens.findOneBy({ refreshToken });
    if (!row?.refreshToken) return false;
    return {
      refreshToken: row.refreshToken,
      refreshTokenExpiresAt: row.refreshTokenExpiresAt ?? undefined,
      scope: row.scope.split(' '),
      client: { id: row.clientId, grants: [] },
      user: { id: row.userId },
    };
  }

  async revokeToken(token: OAuth2Server.RefreshToken) {
    const result = await this.tokens.delete({
      refreshToken: token.refreshToken,
    });
    return (result.affected ?? 0) > 0;
  }

  verifyScope(token: OAuth2Server.Token, scope: string[]) {
    return Promise.resolve(scope.every(s => token.scope?.includes(s)));
  }
}
