import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import bcrypt from 'bcrypt';
import { ClientRepository } from 'nestjs-password-grant';
import type { DataSource } from 'typeorm';
import { User } from './user.entity.js';

export interface DemoCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export const DEMO_USERNAME = 'demo@example.com';
export const DEMO_PASSWORD = 'demo-password';

/**
 * On first start (no client yet), creates a demo user and a demo password
 * client and returns their credentials; later starts return null.
 */
export async function seedDemo(
  app: INestApplicationContext,
): Promise<DemoCredentials | null> {
  const clients = app.get(ClientRepository, { strict: false });
  if ((await clients.list()).length > 0) return null;
  const users = app
    .get<DataSource>(getDataSourceToken(), { strict: false })
    .getRepository(User);
  if (!(await users.existsBy({ email: DEMO_USERNAME }))) {
    await users.save(
      users.create({
        name: 'Demo User',
        email: DEMO_USERNAME,
        password: await bcrypt.hash(DEMO_PASSWORD, 10),
      }),
    );
  }
  const created = await clients.createPasswordClient({
    name: 'Demo Password Grant Client',
  });
  return {
    clientId: created.client.id,
    clientSecret: created.plainSecret!,
    username: DEMO_USERNAME,
    password: DEMO_PASSWORD,
  };
}

/** A ready-to-paste command that trades the demo credentials for tokens. */
export function curlLine(baseUrl: string, demo: DemoCredentials): string {
  return [
    `curl -s -X POST ${baseUrl}/oauth/token`,
    `-u '${demo.clientId}:${demo.clientSecret}'`,
    `-d grant_type=password`,
    `-d username=${encodeURIComponent(demo.username)}`,
    `-d password=${encodeURIComponent(demo.password)}`,
    `-d 'scope=read write'`,
  ].join(' ');
}
