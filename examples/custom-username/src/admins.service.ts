import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import bcrypt from 'bcrypt';
import type { DataSource, Repository } from 'typeorm';
import { Admin } from './admin.entity.js';
import { findAccount, insertAccount } from './accounts.util.js';
import type { CreateAdminDto } from './create-admin.dto.js';

export type PublicAdmin = Omit<Admin, 'password'>;

@Injectable()
export class AdminsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Registers an admin under the lower-cased email; 409 when it is taken. */
  async register(input: CreateAdminDto): Promise<PublicAdmin> {
    const email = input.email.toLowerCase();
    const saved = await insertAccount(
      this.admins(),
      { email },
      {
        email,
        name: input.name,
        password: await bcrypt.hash(input.password, 10),
      },
      'The email is already registered.',
    );
    return { id: saved.id, email: saved.email, name: saved.name };
  }

  findById(id: string): Promise<Admin | null> {
    return findAccount(this.admins(), id);
  }

  private admins(): Repository<Admin> {
    return this.dataSource.getRepository(Admin);
  }
}
