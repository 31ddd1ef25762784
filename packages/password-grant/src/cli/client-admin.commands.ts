import { ClientRepository } from '../client/client.repository.js';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import type { PasswordGrantClient } from '../interfaces/password-grant-client.interface.js';
import { flag, type CliCommand, type CommandInput } from './cli-command.js';
import { printCredentials } from './client.command.js';

const JSON_OPTION = {
  name: 'json',
  type: 'boolean',
  description: 'print JSON',
} as const;

async function clients(input: CommandInput): Promise<ClientRepository> {
  return (await input.app()).get(ClientRepository, { strict: false });
}

function row(client: PasswordGrantClient): string[] {
  return [
    client.id,
    client.name,
    client.provider,
    client.grantTypes.join(','),
    client.confidential ? 'confidential' : 'public',
    client.revoked ? 'yes' : 'no',
  ];
}

/** Rows as columns padded to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(cells => cells[i].length)),
  );
  return rows.map(cells =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

async function listClients(input: CommandInput): Promise<void> {
  const list = await (await clients(input)).list();
  if (flag(input, 'json')) return input.print(JSON.stringify(list));
  if (list.length === 0) return input.print('No clients.');
  const header = ['ID', 'NAME', 'PROVIDER', 'GRANTS', 'TYPE', 'REVOKED'];
  table([header, ...list.map(row)]).forEach(line => input.print(line));
}

async function revokeClient(input: CommandInput): Promise<void> {
  const [id] = input.positionals;
  await (await clients(input)).revoke(id);
  input.print(`Client ${id} revoked: it can no longer get tokens.`);
}

async function rotateSecret(input: CommandInput): Promise<void> {
  const [id] = input.positionals;
  const repository = await clients(input);
  const client = await repository.find(id);
  if (client && !client.confidential) {
    throw new PasswordGrantError(
      'ERR_PASSWORD_GRANT_CLI',
      `Client ${id} is public: it has no secret to replace.`,
    );
  }
  const { plainSecret } = await repository.regenerateSecret(id);
  if (flag(input, 'json')) {
    return input.print(
      JSON.stringify({ client_id: id, client_secret: plainSecret }),
    );
  }
  input.print('Client secret replaced; the old one no longer works.');
  input.print();
  printCredentials(input.print, id, plainSecret);
}

/** `client:list`: every client, never a secret. */
export const clientListCommand: CliCommand = {
  name: 'client:list',
  usage: 'client:list [--json]',
  summary:
    'Lists the clients: id, name, provider, grants, type, revoked. Never secrets.',
  options: [JSON_OPTION],
  run: listClients,
};

/** `client:revoke ID`. */
export const clientRevokeCommand: CliCommand = {
  name: 'client:revoke',
  usage: 'client:revoke ID',
  summary:
    'Revokes a client: it can no longer get tokens, and its issued tokens stop working.',
  options: [],
  arguments: ['ID'],
  run: revokeClient,
};

/** `client:secret ID`: rotate a confidential client's secret. */
export const clientSecretCommand: CliCommand = {
  name: 'client:secret',
  usage: 'client:secret ID [--json]',
  summary:
    'Gives a confidential client a new secret and prints it, once; the old secret stops working.',
  options: [JSON_OPTION],
  arguments: ['ID'],
  run: rotateSecret,
};
