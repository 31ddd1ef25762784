import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import bcrypt from 'bcrypt';
import type { DataSource, Repository } from 'typeorm';
import { findAccount, insertAccount } from './accounts.util.js';
import type { CreateUserDto } from './create-user.dto.js';
import { normalizeRun } from './run.util.js';
import { User } from './user.entity.js';

export type PublicUser = Omit<User, 'password'>;

@Injectable()
export class UsersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Registers a user under the normalised RUN; 409 when it is taken. */
  async register(input: CreateUserDto): Promise<PublicUser> {
    // The DTO's @IsRun() has accepted it, so it normalises.
    const run = normalizeRun(input.run)!;
    const saved = await insertAccount(
      this.users(),
      { run },
      {
        run,
        name: input.name,
        password: await bcrypt.hash(input.password, 10),
      },
      'The RUN is already registered.',
    );
    return { id: saved.id, run: saved.run, name: saved.name };
  }

  findById(id: string): Promise<User | null> {
    return findAccount(this.users(), id);
  }

  private users(): Repository<User> {
    return this.dataSource.getRepository(User);
  }
}
