import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import bcrypt from 'bcrypt';
import type { DataSource } from 'typeorm';
import { User } from './user.entity.js';

export type PublicUser = Omit<User, 'password'>;

@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async register(input: {
    name: string;
    email: string;
    password: string;
  }): Promise<PublicUser> {
    const users = this.dataSource.getRepository(User);
    if (await users.existsBy({ email: input.email })) {
      throw new ConflictException('The email is already taken.');
    }
    const password = await bcrypt.hash(input.password, 10);
    try {
      const saved = await users.save(users.create({ ...input, password }));
      return { id: saved.id, name: saved.name, email: saved.email };
    } catch (error) {
      if (await users.existsBy({ email: input.email })) {
        throw new ConflictException('The email is already taken.');
      }
      throw error;
    }
  }

  findById(id: string): Promise<User | null> {
    const numeric = Number(id);
    if (!Number.isSafeInteger(numeric)) return Promise.resolve(null);
    return this.dataSource.getRepository(User).findOneBy({ id: numeric });
  }
}
