import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI of examples/basic, built. */
export const BASIC_CLI = fileURLToPath(
  new URL('../../examples/basic/dist/cli.js', import.meta.url),
);

/** How a CLI run ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const RUN_TIMEOUT_MS = 60_000;

/** The environment of a CLI run against one database and keys folder. */
export function cliEnv(
  databaseUrl: string,
  keysDir: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PASSWORD_GRANT_KEYS_DIR: keysDir,
    SEED_DEMO: 'false',
    ...extra,
  };
  if (!extra.PASSWORD_GRANT_PRIVATE_KEY) delete env.PASSWORD_GRANT_PRIVATE_KEY;
  if (!extra.PASSWORD_GRANT_PUBLIC_KEY) delete env.PASSWORD_GRANT_PUBLIC_KEY;
  return env;
}

function collect(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onOutput?: (all: string, write: (text: string) => void) => void,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      onOutput?.(stdout, text => child.stdin.write(text));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (!onOutput) child.stdin.end();
  });
}

/** Runs `node examples/basic/dist/cli.js ...args` with stdin not a TTY. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CliRun> {
  return collect(process.execPath, [BASIC_CLI, ...args], env);
}

/** One prompt to wait for and the keys to type after it. */
export interface Answer {
  after: string;
  type: string;
}

/**
 * Runs the CLI in a pseudo-terminal made by util-linux `script`, typing
 * each answer once its prompt has appeared.
 */
export function runCliInTerminal(
  args: string[],
  env: NodeJS.ProcessEnv,
  answers: Answer[],
): Promise<CliRun> {
  const pending = [...answers];
  let seen = 0;
  const line = [process.execPath, BASIC_CLI, ...args]
    .map(part => `'${part.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return collect('script', ['-qfec', line, '/dev/null'], env, (all, write) => {
    const next = pending[0];
    const at = next ? all.indexOf(next.after, seen) : -1;
    if (!next || at < 0) return;
    seen = at + next.after.length;
    pending.shift();
    write(next.type);
  });
}
