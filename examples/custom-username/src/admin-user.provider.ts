import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PasswordGrantClient, UserProvider } from 'nestjs-password-grant';
import type { DataSource, Repository } from 'typeorm';
import { findAccount } from './accounts.util.js';
import { Admin } from './admin.entity.js';

/** The `admins` provider: back-office accounts, found by email. */
@Injectable()
export class AdminUserProvider implements UserProvider<Admin> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The library passes the client that asks, so the lookup can depend on
   * it: admins log in only through confidential clients (apps that keep a
   * secret), never through a public one such as a mobile app.
   */
  async findForPassport(
    email: string,
    client: PasswordGrantClient,
  ): Promise<Admin | null> {
    if (!client.confidential) return null;
    return this.admins()
      .createQueryBuilder('admin')
      .addSelect('admin.password')
      .where('admin.email = :email', { email: email.trim().toLowerCase() })
      .getOne();
  }

  findById(id: string): Promise<Admin | null> {
    return findAccount(this.admins(), id);
  }

  private admins(): Repository<Admin> {
    return this.dataSource.getRepository(Admin);
  }
}
