import type { INestApplicationContext } from '@nestjs/common';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ClientRepository } from '../client/client.repository.js';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { writeKeyPair } from '../keys/key-files.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';

/**
 * How the CLI reaches the host app.
 *
 * @publicApi
 */
export interface PasswordGrantCliOptions {
  /** Boots the host app's context (its configuration and database). */
  createContext: () => Promise<INestApplicationContext>;
  /** Where `keys` writes the key pair. */
  keysDir: string;
  /** Used in the default client name. @default 'Nest' */
  appName?: string;
  argv?: string[];
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout?: NodeJS.WritableStream;
}

const USAGE = `Usage: passport <command> [options]

Commands:
  client --password [--name N] [--provider P] [--public] [--json]
                      create a password grant client
  client:list [--json] list clients (never their secrets)
  client:revoke ID     revoke a client
  client:secret ID [--json]
                      give a confidential client a new secret
  keys [--force] [--length 4096]
                      create the key pair that signs access tokens`;

function cliError(message: string): PasswordGrantError {
  return new PasswordGrantError('ERR_PASSWORD_GRANT_CLI', message);
}

/**
 * Runs one CLI command against the host app, after Laravel Passport's
 * artisan commands. Returns the process exit code; secrets go to stdout
 * once and nowhere else.
 *
 * @publicApi
 */
export async function runPasswordGrantCli(
  options: PasswordGrantCliOptions,
): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const print = (line = '') => out.write(`${line}\n`);
  try {
    await dispatch(options, print);
    return 0;
  } catch (error) {
    const message =
      error instanceof PasswordGrantError ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    return 1;
  }
}

async function dispatch(
  options: PasswordGrantCliOptions,
  print: (line?: string) => void,
): Promise<void> {
  const { positionals, values } = parseArgs({
    args: options.argv ?? process.argv.slice(2),
    allowPositionals: true,
    options: {
      password: { type: 'boolean' },
      name: { type: 'string' },
      provider: { type: 'string' },
      public: { type: 'boolean' },
      json: { type: 'boolean' },
      force: { type: 'boolean' },
      length: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, argument] = positionals;
  if (values.help || !command) return print(USAGE);
  if (command === 'keys') {
    const length =
      values.length === undefined ? undefined : Number(values.length);
    await writeKeyPair(options.keysDir, { force: values.force, length });
    return print('Encryption keys generated successfully.');
  }
  const commands: Record<
    string,
    (context: INestApplicationContext) => Promise<void>
  > = {
    client: context => createClient(context, options, values, print),
    'client:list': context => listClients(context, values.json, print),
    'client:revoke': context => revokeClient(context, argument, print),
    'client:secret': context =>
      rotateSecret(context, argument, values.json, print),
  };
  const run = commands[command];
  if (!run) throw cliError(`Unknown command "${command}".\n\n${USAGE}`);
  const context = await options.createContext();
  try {
    await run(context);
  } finally {
    await context.close();
  }
}

interface ClientFlags {
  password?: boolean;
  name?: string;
  provider?: string;
  public?: boolean;
  json?: boolean;
}

async function createClient(
  context: INestApplicationContext,
  options: PasswordGrantCliOptions,
  flags: ClientFlags,
  print: (line?: string) => void,
): Promise<void> {
  if (!flags.password) {
    throw cliError(
      'Only password grant clients can be created: add --password.',
    );
  }
  const config = context.get<PasswordGrantConfig>(PASSWORD_GRANT_CONFIG, {
    strict: false,
  });
  const providers = Object.keys(config.providers);
  const ask = asker(options, flags);
  const name =
    flags.name ??
    (await ask?.(
      'What should we name the password grant client?',
      `${options.appName ?? 'Nest'} Password Grant Client`,
    ));
  if (!name) {
    throw cliError(
      'No terminal to ask for the client name: pass --name "My App".',
    );
  }
  const fallback = providers.includes('users')
    ? 'users'
    : config.defaultProvider;
  const provider =
    flags.provider ??
    (await ask?.(
      `Which user provider should this client use to retrieve users? [${providers.join(', ')}]`,
      fallback,
    )) ??
    config.defaultProvider;
  const created = await context
    .get(ClientRepository, { strict: false })
    .createPasswordClient({ name, provider, public: flags.public });
  if (flags.json) {
    return print(
      JSON.stringify({
        client_id: created.client.id,
        client_secret: created.plainSecret,
        name: created.client.name,
        provider: created.client.provider,
        public: !created.client.confidential,
      }),
    );
  }
  print('Password grant client created successfully.');
  print();
  print(`Client ID ........ ${created.client.id}`);
  if (created.plainSecret) {
    print(`Client secret .... ${created.plainSecret}`);
    print();
    print('Store the secret now: it will not be shown again.');
  }
}

type Ask = (question: string, fallback: string) => Promise<string>;

function asker(
  options: PasswordGrantCliOptions,
  flags: ClientFlags,
): Ask | undefined {
  const stdin = options.stdin ?? process.stdin;
  if (!stdin.isTTY || (flags.name && flags.provider)) return undefined;
  return async (question, fallback) => {
    const rl = createInterface({
      input: stdin,
      output: options.stdout ?? process.stdout,
    });
    try {
      const answer = await rl.question(`${question} [${fallback}]\n> `);
      return answer.trim() || fallback;
    } finally {
      rl.close();
    }
  };
}

async function listClients(
  context: INestApplicationContext,
  json: boolean | undefined,
  print: (line?: string) => void,
): Promise<void> {
  const clients = await context.get(ClientRepository, { strict: false }).list();
  if (json) return print(JSON.stringify(clients));
  if (clients.length === 0) return print('No clients.');
  for (const client of clients) {
    const kind = client.confidential ? 'confidential' : 'public';
    const state = client.revoked ? 'revoked' : 'active';
    print(
      `${client.id}  ${client.name}  provider=${client.provider}  grants=${client.grantTypes.join(',')}  ${kind}  ${state}`,
    );
  }
}

async function revokeClient(
  context: INestApplicationContext,
  id: string | undefined,
  print: (line?: string) => void,
): Promise<void> {
  if (!id) throw cliError('Pass the id of the client to revoke.');
  await context.get(ClientRepository, { strict: false }).revoke(id);
  print(`Client ${id} revoked.`);
}

async function rotateSecret(
  context: INestApplicationContext,
  id: string | undefined,
  json: boolean | undefined,
  print: (line?: string) => void,
): Promise<void> {
  if (!id) throw cliError('Pass the id of the client whose secret to replace.');
  const created = await context
    .get(ClientRepository, { strict: false })
    .regenerateSecret(id);
  if (json) {
    return print(
      JSON.stringify({ client_id: id, client_secret: created.plainSecret }),
    );
  }
  print(`Client secret .... ${created.plainSecret}`);
  print('Store the secret now: it will not be shown again.');
}
