import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type { PasswordGrantClient } from '../interfaces/password-grant-client.interface.js';
import {
  generateClientSecret,
  hashClientSecret,
} from '../internal/client-secret.util.js';
import {
  PASSWORD_GRANT,
  PASSWORD_GRANT_CONFIG,
  REFRESH_TOKEN_GRANT,
} from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import { OAuthClientEntity } from '../persistence/oauth-client.entity.js';
import { PasswordGrantStorage } from '../persistence/password-grant-storage.service.js';
import { TokenRepository } from '../revocation/token.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What creating a client or rotating its secret returns, once. */
export interface CreatedClient {
  client: PasswordGrantClient;
  /** The plain secret; null for a public client. Shown once, never stored. */
  plainSecret: string | null;
}

/** Options of {@link ClientRepository.createPasswordClient}. */
export interface CreatePasswordClientOptions {
  name: string;
  /** User provider name; default: the module's default provider. */
  provider?: string;
  /** A public client has no secret (a mobile app that cannot keep one). */
  public?: boolean;
}

/**
 * Creates, finds, lists, revokes and rotates clients.
 *
 * @publicApi
 */
@Injectable()
export class ClientRepository {
  constructor(
    private readonly storage: PasswordGrantStorage,
    private readonly tokens: TokenRepository,
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  /** Creates a password-grant client and returns its secret, once. */
  async createPasswordClient(
    options: CreatePasswordClientOptions,
  ): Promise<CreatedClient> {
    const provider = options.provider ?? this.config.defaultProvider;
    this.assertProvider(provider);
    const name = options.name.trim();
    if (name === '' || name.length > 255) {
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_CLI',
        'The client name must be 1 to 255 characters long.',
      );
    }
    const plainSecret = options.public ? null : generateClientSecret();
    const now = new Date();
    const entity = this.storage.clients.create({
      id: randomUUID(),
      name,
      secretHash: plainSecret && hashClientSecret(plainSecret),
      provider,
      grantTypes: [PASSWORD_GRANT, REFRESH_TOKEN_GRANT].join(' '),
      revoked: false,
      createdAt: now,
      updatedAt: now,
    });
    await this.storage.clients.insert(entity);
    return { client: toClient(entity), plainSecret };
  }

  /** The client with this id, revoked or not, or null. */
  async find(id: string): Promise<PasswordGrantClient | null> {
    const entity = await this.findEntity(id);
    return entity && toClient(entity);
  }

  /** Every client, oldest first. Never includes secrets. */
  async list(): Promise<PasswordGrantClient[]> {
    const rows = await this.storage.clients.find({
      order: { createdAt: 'ASC' },
    });
    return rows.map(toClient);
  }

  /**
   * Revokes a client: it can no longer authenticate, and its tokens are
   * revoked (guards refuse them within the `revocation` bound).
   */
  async revoke(id: string): Promise<void> {
    const entity = await this.requireEntity(id);
    await this.storage.clients.update(
      { id: entity.id },
      { revoked: true, updatedAt: new Date() },
    );
    await this.tokens.revokeClientTokens(entity.id);
  }

  /** Replaces a confidential client's secret and returns the new one, once. */
  async regenerateSecret(id: string): Promise<CreatedClient> {
    const entity = await this.requireEntity(id);
    const plainSecret = generateClientSecret();
    entity.secretHash = hashClientSecret(plainSecret);
    entity.updatedAt = new Date();
    await this.storage.clients.update(
      { id },
      { secretHash: entity.secretHash, updatedAt: entity.updatedAt },
    );
    return { client: toClient(entity), plainSecret };
  }

  /** @internal The stored row, digest included, for client authentication. */
  async findEntity(id: string): Promise<OAuthClientEntity | null> {
    if (!UUID.test(id)) return null;
    return this.storage.direct.findOne(OAuthClientEntity, {
      id: id.toLowerCase(),
    });
  }

  private async requireEntity(id: string): Promise<OAuthClientEntity> {
    const entity = await this.findEntity(id);
    if (!entity) {
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_UNKNOWN_CLIENT',
        `No client has the id ${id}.`,
      );
    }
    return entity;
  }

  private assertProvider(provider: string): void {
    if (!this.config.providers[provider]) {
      const known = Object.keys(this.config.providers).join(', ');
      throw new PasswordGrantError(
        'ERR_PASSWORD_GRANT_UNKNOWN_PROVIDER',
        `The user provider "${provider}" is not registered. Valid providers: ${known}.`,
      );
    }
  }
}

/** The public view of a stored client. */
export function toClient(entity: OAuthClientEntity): PasswordGrantClient {
  return {
    id: entity.id,
    name: entity.name,
    provider: entity.provider,
    grantTypes: entity.grantTypes.split(' ').filter(Boolean),
    confidential: entity.secretHash !== null,
    revoked: entity.revoked,
    createdAt: entity.createdAt,
  };
}
