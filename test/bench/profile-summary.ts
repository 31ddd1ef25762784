import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * `node test/bench/out-tsc/profile-summary.js <dir> [top] [pattern]`: for
 * each `.cpuprofile` written by `npm run bench -- --profile`, the
 * functions with the largest share of self time, and of inclusive time
 * among those whose name or file matches the pattern.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

function shortUrl(url: string): string {
  const index = url.lastIndexOf('node_modules/');
  if (index >= 0) return url.slice(index + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(packages|examples|test)\//, '$1/');
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}`;
}

/** Self and inclusive sample counts per function (once per stack). */
function count(profile: Profile) {
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of profile.samples) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + 1);
    const stack = new Set<string>();
    for (
      let at: number | undefined = id;
      at !== undefined;
      at = parent.get(at)
    ) {
      const node = byId.get(at);
      if (node) stack.add(frameName(node));
    }
    for (const name of stack)
      inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
  }
  return { self, inclusive };
}

function top(
  counts: Map<string, number>,
  total: number,
  n: number,
  filter: RegExp,
) {
  return [...counts.entries()]
    .filter(([name]) => filter.test(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([name, hits]) =>
        `${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`,
    );
}

function summarize(profile: Profile, n: number, filter: RegExp): string[] {
  const { self, inclusive } = count(profile);
  const total = profile.samples.length;
  return [
    'self time:',
    ...top(self, total, n, /./),
    `inclusive time (matching ${filter.source}):`,
    ...top(inclusive, total, n, filter),
  ];
}

const [dir = '.', n = '25', pattern = 'password-grant|bench/'] =
  process.argv.slice(2);
for (const file of readdirSync(dir).filter(f => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const lines = summarize(profile, Number(n), new RegExp(pattern));
  process.stdout.write(
    `\n== ${basename(file)} (${profile.samples.length} samples)\n`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
