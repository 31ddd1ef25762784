import { createInterface, type Interface } from 'node:readline/promises';
import { PasswordGrantError } from '../errors/password-grant.error.js';
import { CliUsageError } from './cli-command.js';

const MAX_ATTEMPTS = 3;

/** Questions asked on a terminal, one readline for the whole session. */
export class TerminalPrompt {
  private readonly readline: Interface;
  private readonly closed = new AbortController();
  private interrupted = false;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
  ) {
    this.readline = createInterface({ input, output, terminal: true });
    this.readline.once('close', () => this.closed.abort());
    this.readline.once('SIGINT', () => {
      this.interrupted = true;
      this.readline.close();
    });
  }

  /** The answer, or `fallback` for an empty one. */
  async ask(question: string, fallback: string): Promise<string> {
    const answer = await this.question(`${question} [${fallback}]\n> `);
    return answer.trim() || fallback;
  }

  /**
   * One of `choices`, by name or by number; asks again after a wrong
   * answer, at most three times.
   */
  async choose(
    question: string,
    choices: string[],
    fallback: string,
  ): Promise<string> {
    const list = choices.map((choice, i) => `  [${i}] ${choice}`).join('\n');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const answer = (
        await this.question(`${question} [${fallback}]\n${list}\n> `)
      ).trim();
      const picked = answer === '' ? fallback : pick(choices, answer);
      if (picked) return picked;
      this.output.write(`"${answer}" is not one of: ${choices.join(', ')}.\n`);
    }
    throw new CliUsageError(
      `No valid answer; choose one of: ${choices.join(', ')}.`,
    );
  }

  close(): void {
    this.readline.close();
  }

  private async question(text: string): Promise<string> {
    try {
      return await this.readline.question(text, {
        signal: this.closed.signal,
      });
    } catch {
      if (!this.interrupted) {
        throw new CliUsageError(
          'The input closed before the questions were answered.',
        );
      }
      throw new PasswordGrantError('ERR_PASSWORD_GRANT_CLI', 'Cancelled.');
    }
  }
}

function pick(choices: string[], answer: string): string | undefined {
  if (choices.includes(answer)) return answer;
  const index = /^\d+$/.test(answer) ? Number(answer) : -1;
  return choices[index];
}
