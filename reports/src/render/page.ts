// The page every HTML report shares: inline CSS (system fonts, print rules), the header with its verdict
// box, journey cards, and small table helpers. Self-contained on purpose: no script, no font or image
// from the network, so a report can be mailed, archived or printed exactly as it looks.
import type { Translator } from '../i18n/index.ts';
import type { Journey } from '../journeys.ts';
import { escapeHtml as e } from './escape.ts';
import { journeyLabel, journeyText, readinessLabel } from './words.ts';

const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #59636e; --line: #d1d9e0;
  --soft: #f6f8fa; --ink: #1f2328; --accent: #0969da; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
  margin: 0 auto; max-width: 1040px; padding: 28px 32px 40px; color: var(--ink); line-height: 1.45; font-size: 15px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 18px; }
.brand { font-size: .78rem; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
h1 { font-size: 1.65rem; margin: 2px 0 0; } h2 { font-size: 1.18rem; margin: 30px 0 10px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); } h3 { font-size: 1rem; margin: 18px 0 6px; }
.subtitle { color: var(--muted); margin: 4px 0 0; }
.verdict { border-radius: 10px; padding: 14px 18px; border: 1px solid; border-left-width: 6px; margin: 0 0 8px; }
.verdict.v-good { border-color: var(--ok); background: #eefbf1; } .verdict.v-bad { border-color: var(--bad); background: #fff3f1; }
.verdict .badge { display: inline-block; font-weight: 700; letter-spacing: .05em; font-size: .8rem; padding: 2px 9px;
  border-radius: 999px; color: #fff; }
.verdict.v-good .badge { background: var(--ok); } .verdict.v-bad .badge { background: var(--bad); }
.verdict p { margin: 8px 0 0; } .verdict .sentence { font-size: 1.06rem; font-weight: 600; }
.journeys { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 12px 0 4px; }
.journey { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; background: #fff; border-top-width: 5px; }
.journey h3 { margin: 0 0 4px; font-size: .98rem; }
.journey p { margin: 6px 0 0; font-size: .9rem; }
.journey .side { font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin-top: 10px; }
.journey.ready { border-top-color: var(--ok); } .journey.at-risk { border-top-color: #d4a72c; }
.journey.not-ready { border-top-color: var(--bad); } .journey.not-tested { border-top-color: #afb8c1; }
.pill { display: inline-block; font-size: .74rem; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
  padding: 1px 8px; border-radius: 999px; border: 1px solid; white-space: nowrap; }
.pill.ready, .pill.verified { color: var(--ok); border-color: var(--ok); background: #eefbf1; }
.pill.at-risk, .pill.inconclusive { color: var(--warn); border-color: #d4a72c; background: #fff8c5; }
.pill.not-ready, .pill.regressed { color: var(--bad); border-color: var(--bad); background: #fff3f1; }
.pill.not-tested, .pill.no-change { color: var(--muted); border-color: #afb8c1; background: var(--soft); }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: 6px 0; }
th, td { text-align: left; padding: 6px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; border-bottom: 1px solid #afb8c1; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; } .muted { color: var(--muted); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .8rem; }
pre { margin: 2px 0; white-space: pre-wrap; word-break: break-all; }
.charts { display: grid; grid-template-columns: 1fr; gap: 6px; }
figure.chart-figure { margin: 8px 0 14px; padding: 10px 12px 4px; border: 1px solid var(--line); border-radius: 10px; }
figure.chart-figure figcaption { font-weight: 600; font-size: .92rem; margin-bottom: 4px; }
.strips { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
svg.chart { width: 100%; height: auto; font-family: inherit; display: block; }
svg.chart-empty { width: auto; } svg.strip { max-width: 420px; }
svg .grid { stroke: #eaeef2; } svg .axis { stroke: #8c959f; }
svg .tick, svg .legend, svg .axis-label, svg .chart-empty { font-size: 11px; fill: #59636e; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
table.slos td:first-child { min-width: 15em; } table.slos code { word-break: break-all; }
ul.method li { margin: 4px 0; }
tr.has-note td { border-bottom: none; padding-bottom: 2px; } tr.note td { color: var(--muted); font-size: .84rem; padding-top: 0; padding-bottom: 10px; }
.lead { color: var(--muted); }
footer { margin-top: 36px; color: var(--muted); font-size: .78rem; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 760px) { .journeys { grid-template-columns: 1fr; } }
@media print { body { padding: 0; max-width: none; font-size: 12px; } h2 { break-after: avoid; }
  figure.chart-figure, table, .journey { break-inside: avoid; } }
`;

export function page(input: {
  lang: string;
  title: string;
  heading: string;
  subtitle: string;
  verdict: { good: boolean; status: string; badge: string; sentence: string; lead: string };
  body: string;
  footer: string;
}): string {
  const v = input.verdict;
  return `<!doctype html>
<html lang="${e(input.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
<div class="brand">Paspor Lab</div>
<h1>${e(input.heading)}</h1>
<p class="subtitle">${e(input.subtitle)}</p>
</header>
<section class="verdict ${v.good ? 'v-good' : 'v-bad'}" data-status="${e(v.status)}">
<span class="badge">${e(v.badge)}</span>
<p class="sentence">${e(v.sentence)}</p>
<p class="lead">${e(v.lead)}</p>
</section>
<main>
${input.body}
</main>
<footer>${e(input.footer)}</footer>
</body>
</html>
`;
}

export function pill(cls: string, text: string): string {
  return `<span class="pill ${e(cls.replace(/\s+/g, '-'))}">${e(text)}</span>`;
}

/** One card per journey; with two sides, each card holds both (baseline first). */
export function journeyCards(
  tr: Translator,
  sides: Array<{ label: string | null; journeys: Journey[] }>,
): string {
  const ids = sides[0]?.journeys.map((j) => j.id) ?? [];
  const cards = ids.map((id) => {
    const parts = sides.map(({ label, journeys }) => {
      const j = journeys.find((x) => x.id === id);
      if (!j) return '';
      return `${label ? `<div class="side">${e(label)}</div>` : ''}<p>${pill(j.readiness, readinessLabel(tr, j))} ${e(journeyText(tr, j))}</p>`;
    });
    // The card's colour is the candidate's (the last side): it is the one going to production.
    const last = sides[sides.length - 1]?.journeys.find((x) => x.id === id);
    const name = last ? journeyLabel(tr, last) : id;
    return `<article class="journey ${last?.readiness ?? ''}" data-journey="${id}" data-readiness="${last?.readiness ?? ''}"><h3>${e(name)}</h3>${parts.join('')}</article>`;
  });
  return `<div class="journeys">${cards.join('')}</div>`;
}

/**
 * A table of ready-made cells. `notes`, when given, puts one sentence under each row across the whole
 * width (a claim's reason), so the figures stay in narrow columns and the sentence reads as a sentence.
 */
export function htmlTable(head: string[], rows: string[][], cls = '', notes?: string[]): string {
  const body = rows
    .map((r, i) => {
      const note = notes?.[i];
      return `<tr${note ? ' class="has-note"' : ''}>${r.join('')}</tr>${note ? `<tr class="note"><td colspan="${head.length}">${e(note)}</td></tr>` : ''}`;
    })
    .join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}
