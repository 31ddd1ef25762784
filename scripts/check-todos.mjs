// Fails when a source file holds a bare TODO or FIXME. The allowed forms
// are TODO(#<issue>): why and TODO(v<major>): why.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'examples', 'test'];
const skip = new Set(['node_modules', 'dist', 'out-tsc', 'data', '.nx']);
const bare = /\b(?:TODO|FIXME)\b(?!\((?:#\d+|v\d+)\): )/;
const found = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|js|mjs)$/.test(name)) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (bare.test(line))
            found.push(`${path}:${index + 1}: ${line.trim()}`);
        });
    }
  }
}

roots.forEach(walk);
if (found.length > 0) {
  console.error(`Bare TODO/FIXME found:\n${found.join('\n')}`);
  process.exit(1);
}
