import {
  ConflictException,
  type INestApplicationContext,
} from '@nestjs/common';
import { ClientRepository } from 'nestjs-password-grant';
import { AdminsService } from './admins.service.js';
import { UsersService } from './users.service.js';

/** A demo account and the client that logs it in. */
export interface DemoLogin {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

/** What the first start creates: one login per provider. */
export interface DemoCredentials {
  users: DemoLogin;
  admins: DemoLogin;
}

export const DEMO_RUN = '12.345.678-5';
export const DEMO_USER_PASSWORD = 'demo-password';
export const DEMO_ADMIN_EMAIL = 'admin@example.com';
export const DEMO_ADMIN_PASSWORD = 'admin-password';

/** Runs a registration, and accepts that the account already exists. */
async function ensureAccount(register: () => Promise<unknown>): Promise<void> {
  try {
    await register();
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
}

/**
 * On first start (no client yet), creates a demo user (by RUN), a demo
 * admin (by email) and a password client for each provider; later starts
 * return null.
 */
export async function seedDemo(
  app: INestApplicationContext,
): Promise<DemoCredentials | null> {
  const clients = app.get(ClientRepository, { strict: false });
  if ((await clients.list()).length > 0) return null;
  await ensureAccount(() =>
    app.get(UsersService).register({
      run: DEMO_RUN,
      name: 'Demo User',
      password: DEMO_USER_PASSWORD,
    }),
  );
  await ensureAccount(() =>
    app.get(AdminsService).register({
      email: DEMO_ADMIN_EMAIL,
      name: 'Demo Admin',
      password: DEMO_ADMIN_PASSWORD,
    }),
  );
  const usersClient = await clients.createPasswordClient({
    name: 'Demo Users Client',
    provider: 'users',
  });
  const adminsClient = await clients.createPasswordClient({
    name: 'Demo Admins Client',
    provider: 'admins',
  });
  return {
    users: {
      clientId: usersClient.client.id,
      clientSecret: usersClient.plainSecret!,
      username: DEMO_RUN,
      password: DEMO_USER_PASSWORD,
    },
    admins: {
      clientId: adminsClient.client.id,
      clientSecret: adminsClient.plainSecret!,
      username: DEMO_ADMIN_EMAIL,
      password: DEMO_ADMIN_PASSWORD,
    },
  };
}

/** A ready-to-paste command that trades a demo login for tokens. */
export function curlLine(baseUrl: string, login: DemoLogin): string {
  return [
    `curl -s -X POST ${baseUrl}/oauth/token`,
    `-u '${login.clientId}:${login.clientSecret}'`,
    `-d grant_type=password`,
    `-d username=${encodeURIComponent(login.username)}`,
    `-d password=${encodeURIComponent(login.password)}`,
  ].join(' ');
}
