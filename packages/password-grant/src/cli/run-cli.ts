import type { INestApplicationContext } from '@nestjs/common';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  CliUsageError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  type CliCommand,
  type CommandInput,
} from './cli-command.js';
import {
  clientListCommand,
  clientRevokeCommand,
  clientSecretCommand,
} from './client-admin.commands.js';
import { clientCommand } from './client.command.js';
import { keysCommand } from './keys.command.js';
import { purgeCommand } from './purge.command.js';

/**
 * How the CLI reaches the host app.
 *
 * @publicApi
 */
export interface PasswordGrantCliOptions {
  /** Boots the host app's context (its configuration and database). */
  createContext: () => Promise<INestApplicationContext>;
  /** Where `keys` writes the key pair: the directory the app reads. */
  keysDir: string;
  /** Used in the default client name. @default 'Nest' */
  appName?: string;
  /** Name of the command in help texts. @default 'passport' */
  programName?: string;
  argv?: string[];
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

const COMMANDS: CliCommand[] = [
  clientCommand,
  clientListCommand,
  clientRevokeCommand,
  clientSecretCommand,
  keysCommand,
  purgeCommand,
];

function overview(program: string): string[] {
  const width = Math.max(...COMMANDS.map(command => command.name.length));
  return [
    `Usage: ${program} <command> [options]`,
    '',
    'Commands:',
    ...COMMANDS.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run "${program} <command> --help" for a command's options.`,
    'Exit codes: 0 success, 1 failure, 2 wrong usage; the reason is one line on stderr.',
  ];
}

function commandHelp(program: string, command: CliCommand): string[] {
  const options = command.options.map(option => {
    const label = `--${option.name}${option.value ? ` ${option.value}` : ''}`;
    return `  ${label.padEnd(16)}  ${option.description}`;
  });
  return [
    `Usage: ${program} ${command.usage}`,
    '',
    command.summary,
    ...(command.details ?? []).flatMap(text => ['', text]),
    '',
    'Options:',
    ...options,
    `  ${'--help'.padEnd(16)}  show this help`,
  ];
}

function parse(
  command: CliCommand,
  args: string[],
): { values: CommandInput['values']; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const option of command.options) {
    options[option.name] = { type: option.type };
  }
  try {
    const parsed = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    return {
      values: parsed.values as CommandInput['values'],
      positionals: parsed.positionals,
    };
  } catch (error) {
    const reason = (error as Error).message.split('. ')[0];
    throw new CliUsageError(`${reason}.`);
  }
}

function checkArguments(command: CliCommand, positionals: string[]): void {
  const expected = command.arguments ?? [];
  if (positionals.length < expected.length) {
    throw new CliUsageError(`Missing ${expected[positionals.length]}.`);
  }
  if (positionals.length > expected.length) {
    throw new CliUsageError(
      `Unexpected argument "${positionals[expected.length]}".`,
    );
  }
}

/** One line, whatever the error: scripts read the first line of stderr. */
function reasonOf(error: unknown): string {
  const message =
    error instanceof Error ? error.message : `Failed: ${String(error)}`;
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Runs one CLI command against the host app, after Laravel Passport's
 * artisan commands: `client --password`, `client:list`, `client:revoke`,
 * `client:secret`, `keys` and `purge`. Returns the exit code: 0 on
 * success, 1 when the command failed, 2 for a wrong command line; the
 * reason is one line on stderr. Secrets go to stdout once and nowhere
 * else.
 *
 * @publicApi
 */
export async function runPasswordGrantCli(
  options: PasswordGrantCliOptions,
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const program = options.programName ?? 'passport';
  const [name, ...args] = options.argv ?? process.argv.slice(2);
  const command = COMMANDS.find(candidate => candidate.name === name);
  try {
    await dispatch(options, program, name, command, args);
    return EXIT_OK;
  } catch (error) {
    const usage = error instanceof CliUsageError;
    const hint = usage
      ? ` Run "${program}${command ? ` ${command.name}` : ''} --help".`
      : '';
    stderr.write(`${reasonOf(error)}${hint}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

const HELP_WORDS = new Set(['--help', '-h', 'help']);

async function dispatch(
  options: PasswordGrantCliOptions,
  program: string,
  name: string | undefined,
  command: CliCommand | undefined,
  args: string[],
): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const print = (line = '') => void stdout.write(`${line}\n`);
  if (name === undefined || HELP_WORDS.has(name)) {
    const topic = COMMANDS.find(candidate => candidate.name === args[0]);
    const lines = topic ? commandHelp(program, topic) : overview(program);
    return lines.forEach(line => print(line));
  }
  if (!command) throw new CliUsageError(`Unknown command "${name}".`);
  const { values, positionals } = parse(command, args);
  if (values.help) return commandHelp(program, command).forEach(l => print(l));
  checkArguments(command, positionals);
  await withApp(options, app =>
    command.run({
      values,
      positionals,
      print,
      app,
      keysDir: options.keysDir,
      appName: options.appName ?? 'Nest',
      stdin: options.stdin ?? process.stdin,
      stdout,
    }),
  );
}

/** Runs `work` with the host app booted on first use, and closes it. */
async function withApp(
  options: PasswordGrantCliOptions,
  work: (app: CommandInput['app']) => Promise<void>,
): Promise<void> {
  let app: Promise<INestApplicationContext> | undefined;
  try {
    await work(() => (app ??= options.createContext()));
  } finally {
    if (app) await (await app).close();
  }
}
