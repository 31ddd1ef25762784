import type { INestApplicationContext } from '@nestjs/common';
import { ClientRepository } from '../client/client.repository.js';
import { PASSWORD_GRANT_CONFIG } from '../password-grant.constants.js';
import type { PasswordGrantConfig } from '../password-grant-config.js';
import {
  CliUsageError,
  flag,
  stringOption,
  type CliCommand,
  type CommandInput,
} from './cli-command.js';
import { TerminalPrompt } from './terminal-prompt.js';

const NAME_QUESTION = 'What should we name the password grant client?';
const PROVIDER_QUESTION =
  'Which user provider should this client use to retrieve users?';

/** The client's id and secret on two aligned lines. */
export function printCredentials(
  print: (line?: string) => void,
  id: string,
  secret: string | null,
): void {
  print(`Client ID ........ ${id}`);
  if (secret === null) {
    print();
    print('This client is public: it has no secret.');
    return;
  }
  print(`Client secret .... ${secret}`);
  print();
  print('Store the secret now: it will not be shown again.');
}

interface ClientChoice {
  name: string;
  provider: string;
}

interface ProviderChoices {
  names: string[];
  /** The answer to the question when none is typed. */
  suggested: string;
  /** The module's default, used when nothing is asked. */
  moduleDefault: string;
}

function providersOf(app: INestApplicationContext): ProviderChoices {
  const config = app.get<PasswordGrantConfig>(PASSWORD_GRANT_CONFIG, {
    strict: false,
  });
  const names = Object.keys(config.providers);
  const moduleDefault = config.defaultProvider;
  const suggested = names.includes('users') ? 'users' : moduleDefault;
  return { names, suggested, moduleDefault };
}

function checkProvider(provider: string, names: string[]): string {
  if (!names.includes(provider)) {
    throw new CliUsageError(
      `Unknown user provider "${provider}"; valid providers: ${names.join(', ')}.`,
    );
  }
  return provider;
}

async function askMissing(
  input: CommandInput,
  providers: ProviderChoices,
): Promise<ClientChoice> {
  const prompt = new TerminalPrompt(input.stdin, input.stdout);
  try {
    const name =
      stringOption(input, 'name') ??
      (await prompt.ask(
        NAME_QUESTION,
        `${input.appName} Password Grant Client`,
      ));
    const provider =
      stringOption(input, 'provider') ??
      (await prompt.choose(
        PROVIDER_QUESTION,
        providers.names,
        providers.suggested,
      ));
    return { name, provider };
  } finally {
    prompt.close();
  }
}

/**
 * The name and provider: from the flags, else asked on a terminal. With
 * no terminal (or with `--json`) nothing is asked: a missing `--name` is
 * an error and a missing `--provider` means the default provider.
 */
async function chooseClient(
  input: CommandInput,
  app: INestApplicationContext,
): Promise<ClientChoice> {
  const providers = providersOf(app);
  const name = stringOption(input, 'name');
  const provider = stringOption(input, 'provider');
  const interactive = Boolean(input.stdin.isTTY) && !flag(input, 'json');
  if (provider !== undefined) checkProvider(provider, providers.names);
  if (interactive && (name === undefined || provider === undefined)) {
    const chosen = await askMissing(input, providers);
    return {
      ...chosen,
      provider: checkProvider(chosen.provider, providers.names),
    };
  }
  if (name === undefined) {
    throw new CliUsageError(
      'No terminal to ask for the client name: pass --name "My App".',
    );
  }
  return { name, provider: provider ?? providers.moduleDefault };
}

async function createClient(input: CommandInput): Promise<void> {
  if (!flag(input, 'password')) {
    throw new CliUsageError(
      'Only password grant clients can be created: add --password.',
    );
  }
  const app = await input.app();
  const choice = await chooseClient(input, app);
  const created = await app
    .get(ClientRepository, { strict: false })
    .createPasswordClient({ ...choice, public: flag(input, 'public') });
  const { client, plainSecret } = created;
  if (flag(input, 'json')) {
    return input.print(
      JSON.stringify({
        client_id: client.id,
        client_secret: plainSecret,
        name: client.name,
        provider: client.provider,
        public: !client.confidential,
      }),
    );
  }
  input.print('Password grant client created successfully.');
  input.print();
  printCredentials(input.print, client.id, plainSecret);
}

/** `client --password`: Laravel Passport's `passport:client --password`. */
export const clientCommand: CliCommand = {
  name: 'client',
  usage: 'client --password [--name N] [--provider P] [--public] [--json]',
  summary:
    'Creates a password grant client and prints its id and secret, once.',
  details: [
    "On a terminal, the name and the user provider are asked for when their options are missing. Without a terminal (or with --json) nothing is asked: --name is required and the provider defaults to the module's default user provider.",
  ],
  options: [
    {
      name: 'password',
      type: 'boolean',
      description: 'required: the client uses the password grant',
    },
    {
      name: 'name',
      type: 'string',
      value: 'N',
      description: "the client's name",
    },
    {
      name: 'provider',
      type: 'string',
      value: 'P',
      description: 'the user provider its users come from',
    },
    {
      name: 'public',
      type: 'boolean',
      description: 'no secret (an app that cannot keep one)',
    },
    {
      name: 'json',
      type: 'boolean',
      description: 'print one JSON object, ask nothing',
    },
  ],
  run: createClient,
};
