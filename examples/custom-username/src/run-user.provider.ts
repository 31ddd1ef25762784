import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UserProvider } from 'nestjs-password-grant';
import type { DataSource, Repository } from 'typeorm';
import { findAccount } from './accounts.util.js';
import { normalizeRun } from './run.util.js';
import { User } from './user.entity.js';

/**
 * The `users` provider: the username is a RUN, in any spelling the
 * normaliser accepts. The password check and the token subject are the
 * library's defaults (bcrypt against `password`, the `id`).
 */
@Injectable()
export class RunUserProvider implements UserProvider<User> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A malformed RUN or a wrong check digit finds nobody: the library then
   * answers the same `invalid_grant`, after the same dummy bcrypt work, as
   * for a RUN nobody registered.
   */
  async findForPassport(username: string): Promise<User | null> {
    const run = normalizeRun(username);
    if (run === null) return null;
    return this.users()
      .createQueryBuilder('user')
      .addSelect('user.password')
      .where('user.run = :run', { run })
      .getOne();
  }

  findById(id: string): Promise<User | null> {
    return findAccount(this.users(), id);
  }

  private users(): Repository<User> {
    return this.dataSource.getRepository(User);
  }
}
