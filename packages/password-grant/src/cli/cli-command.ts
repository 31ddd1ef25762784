import type { INestApplicationContext } from '@nestjs/common';
import { PasswordGrantError } from '../errors/password-grant.error.js';

/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A wrong command line: exit code 2, and a pointer to `--help`. */
export class CliUsageError extends PasswordGrantError {
  constructor(message: string) {
    super('ERR_PASSWORD_GRANT_CLI', message);
  }
}

/** One option of a command, for the parser and for `--help`. */
export interface CliOption {
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder of a string option's value in the help, e.g. `N`. */
  value?: string;
  description: string;
}

/** What a command gets to run with. */
export interface CommandInput {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  print: (line?: string) => void;
  /** The host app, booted on first use and closed after the command. */
  app: () => Promise<INestApplicationContext>;
  keysDir: string;
  appName: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
}

/** A CLI command and its help. */
export interface CliCommand {
  name: string;
  /** The synopsis after the program name. */
  usage: string;
  summary: string;
  /** Paragraphs printed by `--help` after the summary. */
  details?: string[];
  options: CliOption[];
  /** Names of the positional arguments, all required. */
  arguments?: string[];
  run(input: CommandInput): Promise<void>;
}

/** A string option's value, or undefined. */
export function stringOption(
  input: CommandInput,
  name: string,
): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** True when a boolean option was given. */
export function flag(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

/** A whole number option within bounds, or `fallback` when absent. */
export function integerOption(
  input: CommandInput,
  name: string,
  bounds: { min: number; max: number; fallback: number },
): number {
  const text = stringOption(input, name);
  if (text === undefined) return bounds.fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= bounds.min && value <= bounds.max)) {
    throw new CliUsageError(
      `--${name} must be a whole number from ${bounds.min} to ${bounds.max}.`,
    );
  }
  return value;
}
