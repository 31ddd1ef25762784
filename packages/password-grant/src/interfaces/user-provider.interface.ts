import type { PasswordGrantClient } from './password-grant-client.interface.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * Tells the library how to find a user and check a password, after Laravel
 * Passport's `findForPassport` and `validateForPassportPasswordGrant` hooks.
 *
 * @typeParam TUser - the host's user type
 * @publicApi
 */
export interface UserProvider<TUser = unknown> {
  /**
   * The user a username names, or null. The client that asks is passed in,
   * so a lookup may depend on it.
   */
  findForPassport(
    username: string,
    client: PasswordGrantClient,
  ): MaybePromise<TUser | null | undefined>;

  /**
   * Replaces the bcrypt check (legacy hashes, LDAP, ...). Without it the
   * password is compared with bcrypt against {@link getAuthPassword}.
   */
  validateForPassportPasswordGrant?(
    user: TUser,
    password: string,
  ): MaybePromise<boolean>;

  /** The stored bcrypt hash. Default: the user's `password` property. */
  getAuthPassword?(user: TUser): string | null | undefined;

  /** The token subject. Default: the user's `id` property. */
  getAuthIdentifier?(user: TUser): string | number;

  /** Loads a user by the token subject, for guards set to load users. */
  findById?(id: string): MaybePromise<TUser | null | undefined>;
}
