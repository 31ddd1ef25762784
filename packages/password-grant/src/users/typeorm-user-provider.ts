import { Inject, Injectable, type Type } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { UserProvider } from '../interfaces/user-provider.interface.js';

/** Options of {@link typeOrmUserProvider}. */
export interface TypeOrmUserProviderOptions {
  /** Column matched against the username. @default 'email' */
  usernameColumn?: string;
  /** Column holding the bcrypt hash. @default 'password' */
  passwordColumn?: string;
  /** Column holding the token subject. @default 'id' */
  idColumn?: string;
  /** Name of the DataSource. @default the default one */
  dataSource?: string;
}

/**
 * Builds a user provider from a TypeORM entity: the username is matched
 * exactly against one column and the password checked with bcrypt against
 * another.
 *
 * @example
 * PasswordGrantModule.forRoot({ userProvider: typeOrmUserProvider(User), ... })
 * @publicApi
 */
export function typeOrmUserProvider<TUser extends ObjectLiteral>(
  entity: EntityTarget<TUser>,
  options: TypeOrmUserProviderOptions = {},
): Type<UserProvider<TUser>> {
  const username = options.usernameColumn ?? 'email';
  const password = options.passwordColumn ?? 'password';
  const id = options.idColumn ?? 'id';

  @Injectable()
  class TypeOrmUserProvider implements UserProvider<TUser> {
    constructor(
      @Inject(getDataSourceToken(options.dataSource))
      private readonly dataSource: DataSource,
    ) {}

    async findForPassport(value: string): Promise<TUser | null> {
      return this.dataSource
        .getRepository(entity)
        .createQueryBuilder('user')
        .addSelect(`user.${password}`)
        .where(`user.${username} = :value`, { value })
        .getOne();
    }

    getAuthPassword(user: TUser): string | null {
      return (user[password] as string | undefined) ?? null;
    }

    getAuthIdentifier(user: TUser): string | number {
      return user[id] as string | number;
    }

    async findById(value: string): Promise<TUser | null> {
      return this.dataSource
        .getRepository(entity)
        .findOneBy({ [id]: value } as never);
    }
  }
  return TypeOrmUserProvider;
}
