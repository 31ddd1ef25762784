import {
  Injectable,
  Logger,
  Optional,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

/**
 * What each event carries: ids and facts, never token values, secrets,
 * passwords or usernames.
 *
 * @publicApi
 */
export interface PasswordGrantEventMap {
  /** An access token was issued (password or refresh grant). */
  'access_token.issued': {
    jti: string;
    clientId: string;
    userId: string;
    grantId: string;
    scopes: string[];
    expiresAt: Date;
  };
  /** A refresh token was issued. `parentId` is the token it replaces. */
  'refresh_token.issued': {
    id: string;
    clientId: string;
    userId: string;
    grantId: string;
    parentId: string | null;
  };
  /** A consumed refresh token came back: its whole family was revoked. */
  'refresh_token.reused': {
    id: string;
    clientId: string;
    userId: string;
    grantId: string;
  };
  /** Tokens were revoked; `by` says which key selected them. */
  'token.revoked': {
    by: 'access_token' | 'grant' | 'user' | 'client';
    id: string;
    /** Number of access tokens newly revoked. */
    accessTokens: number;
  };
  /**
   * The password grant refused a user's credentials. The reason is for
   * audit logs only: every reason gets the same answer.
   */
  'user.authentication_failed': {
    clientId: string;
    provider: string;
    reason: 'unknown_user' | 'bad_password' | 'locked';
    /** The account, when one was found. */
    userId: string | null;
    /** The client address the throttler saw. */
    address: string;
  };
  /** A client failed to authenticate; `clientId` is the one claimed. */
  'client.authentication_failed': { clientId: string | null };
}

/** The name of an event of {@link PasswordGrantEvents}. @publicApi */
export type PasswordGrantEventName = keyof PasswordGrantEventMap;

type Listener<K extends PasswordGrantEventName> = (
  event: PasswordGrantEventMap[K],
) => void | Promise<void>;

/** What the bridge needs of `EventEmitter2`. */
interface EventBus {
  emit(name: string, payload: unknown): unknown;
}

/** Prefix of the events forwarded to `EventEmitter2`. */
export const PASSWORD_GRANT_EVENT_PREFIX = 'password-grant.';

/**
 * A small typed event API for auditing. Listeners run after the response
 * is decided and cannot change it; a listener that throws is logged and
 * ignored.
 *
 * @example
 * events.on('refresh_token.reused', e => audit.warn('reuse', e.grantId));
 * @publicApi
 */
@Injectable()
export class PasswordGrantEvents implements OnModuleInit {
  private readonly logger = new Logger(PasswordGrantEvents.name);
  private readonly listeners = new Map<string, Set<Listener<never>>>();
  private bus: EventBus | undefined;

  constructor(@Optional() private readonly moduleRef?: ModuleRef) {}

  /**
   * When the host uses `@nestjs/event-emitter`, every event is also sent
   * there as `password-grant.<name>` (for `@OnEvent`).
   */
  async onModuleInit(): Promise<void> {
    if (!this.moduleRef) return;
    try {
      const { EventEmitter2 } = await import('@nestjs/event-emitter');
      this.bus = this.moduleRef.get<EventBus>(EventEmitter2, { strict: false });
    } catch {
      this.bus = undefined;
    }
  }

  /** Adds a listener; the returned function removes it. */
  on<K extends PasswordGrantEventName>(
    name: K,
    listener: Listener<K>,
  ): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
    return () => set.delete(listener);
  }

  /** @internal Calls the listeners of `name`. */
  emit<K extends PasswordGrantEventName>(
    name: K,
    event: PasswordGrantEventMap[K],
  ): void {
    this.forward(name, event);
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        const result = (listener as Listener<K>)(event);
        if (result instanceof Promise) {
          result.catch((error: unknown) => this.failed(name, error));
        }
      } catch (error) {
        this.failed(name, error);
      }
    }
  }

  private forward(name: string, event: unknown): void {
    try {
      this.bus?.emit(`${PASSWORD_GRANT_EVENT_PREFIX}${name}`, event);
    } catch (error) {
      this.failed(name, error);
    }
  }

  private failed(name: string, error: unknown): void {
    const kind = error instanceof Error ? error.name : 'Error';
    this.logger.warn(`A listener of ${name} threw ${kind}.`);
  }
}
