import {
  Inject,
  Injectable,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';

/**
 * Re-reads a keys directory on an interval, so a rotation or a retirement
 * made by the CLI reaches a running app. The timer never keeps the
 * process alive.
 */
@Injectable()
export class KeyStoreRefresher implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PASSWORD_GRANT_CONFIG) private readonly config: PasswordGrantConfig,
  ) {}

  onModuleInit(): void {
    const store = this.config.keyStore;
    const interval = store.reloadIntervalMs;
    if (interval === undefined) return;
    this.timer = setInterval(() => store.reload(), interval);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
