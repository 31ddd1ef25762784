import {
  DEFAULT_PURGE_HOURS,
  TokenPurger,
} from '../purge/token-purger.service.js';
import {
  flag,
  integerOption,
  type CliCommand,
  type CommandInput,
} from './cli-command.js';

const UNITS: Array<[string, number]> = [
  ['week', 168],
  ['day', 24],
  ['hour', 1],
];

/** `168` → `1 week`, `48` → `2 days`, `36` → `36 hours`. */
export function describeHours(hours: number): string {
  const [unit, size] = UNITS.find(([, size]) => hours % size === 0) ?? [
    'hour',
    1,
  ];
  const count = hours / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function summary(revoked: boolean, expired: boolean, hours: number): string {
  const window =
    hours === 0 ? 'expired' : `expired for more than ${describeHours(hours)}`;
  if (revoked && !expired) return `Purged revoked items ${window}.`;
  if (expired && !revoked) return `Purged items ${window}.`;
  return `Purged revoked items and items ${window}.`;
}

async function runPurge(input: CommandInput): Promise<void> {
  const revoked = flag(input, 'revoked');
  const expired = flag(input, 'expired');
  const hours = integerOption(input, 'hours', {
    min: 0,
    max: 24 * 365 * 100,
    fallback: DEFAULT_PURGE_HOURS,
  });
  const purger = (await input.app()).get(TokenPurger, { strict: false });
  const result = await purger.purge({ revoked, expired, hours });
  input.print(summary(revoked, expired, hours));
  input.print(
    `Deleted ${result.accessTokens} access token and ${result.refreshTokens} refresh token rows.`,
  );
  if (!result.complete) {
    input.print('More rows are left: run the command again.');
  }
}

/** `purge`: Laravel Passport's `passport:purge`. */
export const purgeCommand: CliCommand = {
  name: 'purge',
  usage: 'purge [--revoked] [--expired] [--hours 168]',
  summary:
    'Deletes expired and revoked access and refresh token rows, in batches.',
  details: [
    'Without --revoked or --expired both apply. --expired deletes rows whose token expired more than --hours ago, revoked or not; --revoked deletes only revoked rows, and also only once their token has expired for --hours: a revoked token that has not expired yet must stay on record, or guards would accept it again.',
  ],
  options: [
    {
      name: 'revoked',
      type: 'boolean',
      description: 'delete revoked rows (once expired for --hours)',
    },
    {
      name: 'expired',
      type: 'boolean',
      description: 'delete rows expired for --hours',
    },
    {
      name: 'hours',
      type: 'string',
      value: 'N',
      description: 'hours a row must have been expired (default 168, one week)',
    },
  ],
  run: runPurge,
};
