import type { Features } from './measurements.js';
import type { MemoryResult } from './memory.js';
import type { BenchSettings } from './settings.js';
import { round, type Samples } from './stats.js';

/** A reported figure, its target, and why it is missing when it is. */
export interface Figure {
  key: string;
  label: string;
  value: number | null;
  target: number;
  /** `min`: at least the target; `max`: at most. */
  kind: 'min' | 'max';
  unit: 'x' | 'MB';
  rounds?: number[];
  reason?: string;
  note?: string;
}

function ratio(
  samples: Samples,
  a: string,
  b: string,
): Pick<Figure, 'value' | 'rounds'> {
  const { value, rounds } = samples.ratio(a, b);
  return rounds.length === 0
    ? { value: null }
    : { value: round(value), rounds: rounds.map(r => round(r)) };
}

function unavailable(reason: string | null): Partial<Figure> {
  return reason ? { value: null, rounds: undefined, reason } : {};
}

/** The figures the benchmark issue names, plus SPEC §10's. */
export function figures(
  samples: Samples,
  features: Features,
  memory: MemoryResult,
  settings: BenchSettings,
): Figure[] {
  const scaleNote =
    settings.revoked[2] === 1_000_000
      ? undefined
      : `${settings.revoked[2]} revoked ids, not 1 000 000 (${settings.mode} run)`;
  const memoryNote =
    settings.rssRequests === 1_000_000
      ? `${memory.requests} requests over ${memory.distinctTokens} tokens`
      : `${settings.mode} run: ${memory.requests} requests over ${memory.distinctTokens} tokens, not 1 000 000 over 100 000`;
  return [
    {
      key: 'token_vs_bcrypt_bound',
      label: 'logins/s vs bcrypt bound',
      target: 0.9,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'token.ours', 'bcrypt.bound_logins_per_s'),
    },
    {
      key: 'guarded_vs_unguarded_express',
      label: 'guarded vs unguarded (Express)',
      target: 0.9,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'guarded.ours.express', 'open.ours.express'),
    },
    {
      key: 'guarded_vs_unguarded_fastify',
      label: 'guarded vs unguarded (Fastify)',
      target: 0.85,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'guarded.ours.fastify', 'open.ours.fastify'),
    },
    {
      key: 'token_vs_peer',
      label: 'logins/s vs peer',
      target: 1,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'token.ours', 'token.peer'),
    },
    {
      key: 'guarded_vs_peer_express',
      label: 'guarded vs peer (Express)',
      target: 2,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'guarded.ours.express', 'guarded.peer.express'),
    },
    {
      key: 'guarded_vs_peer_fastify',
      label: 'guarded vs peer (Fastify)',
      target: 2,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'guarded.ours.fastify', 'guarded.peer.fastify'),
    },
    {
      key: 'refresh_vs_peer',
      label: 'refreshes/s vs peer',
      target: 1,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'refresh.ours', 'refresh.peer'),
      ...unavailable(features.refresh),
      note: 'RS256 (the default): one RSA-2048 signature per refresh',
    },
    {
      key: 'refresh_es256_vs_peer',
      label: 'refreshes/s vs peer, ES256 keys',
      target: 1,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'refresh.es256', 'refresh.peer'),
      ...unavailable(features.refresh),
      note: 'the same app signing with ES256: what the RSA signature costs',
    },
    {
      key: 'guarded_1m_revoked_vs_0',
      label: 'guarded, 1M revoked vs 0',
      target: 0.95,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'guarded.revoked.many', 'guarded.revoked.none'),
      ...unavailable(features.revocation),
      note: scaleNote,
    },
    {
      key: 'rss_mb_after_1m_requests',
      label: 'RSS after 1M guarded requests',
      target: 200,
      kind: 'max',
      unit: 'MB',
      value: round(memory.rssMbAfter),
      note: memoryNote,
    },
    {
      key: 'guarded_during_logins_vs_idle',
      label: 'guarded during 8 logins vs idle',
      target: 0.5,
      kind: 'min',
      unit: 'x',
      ...ratio(samples, 'guarded.during_logins', 'guarded.idle'),
    },
  ];
}

export function meets(figure: Figure): boolean | null {
  if (figure.value === null) return null;
  return figure.kind === 'min'
    ? figure.value >= figure.target
    : figure.value <= figure.target;
}

function cell(figure: Figure): string {
  if (figure.value === null) return 'n/a';
  return figure.unit === 'MB' ? `${figure.value} MB` : `${figure.value}×`;
}

/** A Markdown table of the figures (printed, and pasted in the README). */
export function table(list: Figure[]): string {
  const lines = [
    '| measurement | key | result | target | met |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const figure of list) {
    const sign = figure.kind === 'min' ? '≥' : '<';
    const target = `${sign} ${figure.target}${figure.unit === 'MB' ? ' MB' : '×'}`;
    const met = meets(figure);
    const status = met === null ? `n/a: ${figure.reason}` : met ? 'yes' : 'no';
    lines.push(
      `| ${figure.label} | \`${figure.key}\` | ${cell(figure)} | ${target} | ${status} |`,
    );
  }
  return lines.join('\n');
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** One bar per figure against its target line; green met, red missed. */
export function svg(list: Figure[], caption: string): string {
  const rowHeight = 34;
  const left = 270;
  const width = 760;
  const barMax = 380;
  const height = 70 + list.length * rowHeight;
  const rows = list.map((figure, i) =>
    svgRow(figure, i, { rowHeight, left, barMax }),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold">nestjs-password-grant: npm run bench</text>`,
    `<text x="16" y="44" fill="#555">${escapeXml(caption)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}

function svgRow(
  figure: Figure,
  index: number,
  layout: { rowHeight: number; left: number; barMax: number },
): string {
  const y = 60 + index * layout.rowHeight;
  const label = `<text x="16" y="${y + 17}">${escapeXml(figure.label)}</text>`;
  if (figure.value === null) {
    return `${label}<text x="${layout.left}" y="${y + 17}" fill="#888">not measured: ${escapeXml(figure.reason ?? '')}</text>`;
  }
  const scale = Math.max(figure.value, figure.target) * 1.25;
  const bar = (figure.value / scale) * layout.barMax;
  const mark = layout.left + (figure.target / scale) * layout.barMax;
  const color = meets(figure) ? '#2e8b57' : '#c0392b';
  const sign = figure.kind === 'min' ? '≥' : '<';
  const unit = figure.unit === 'MB' ? ' MB' : '×';
  return [
    label,
    `<rect x="${layout.left}" y="${y + 4}" width="${bar.toFixed(1)}" height="18" fill="${color}"/>`,
    `<line x1="${mark.toFixed(1)}" x2="${mark.toFixed(1)}" y1="${y}" y2="${y + 26}" stroke="#222" stroke-width="2"/>`,
    `<text x="${layout.left + layout.barMax + 12}" y="${y + 17}">${figure.value}${unit} (target ${sign} ${figure.target}${unit})</text>`,
  ].join('');
}
