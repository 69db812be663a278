// The live page itself: one HTML document with its style and script inline (it must work offline, with
// no CDN). The script listens to /events (Server-Sent Events) and puts each frame in place: figures as
// text, charts as the SVG the server drew, alerts built element by element (their labels are text).

const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; padding: 16px 22px 40px; }
h1 { font-size: 1.25rem; margin: 0 0 2px; }
#note { color: var(--muted); margin: 0 0 12px; min-height: 1.4em; }
#end { display: none; border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; margin: 0 0 14px; background: var(--soft); }
#end.passed { border-color: var(--ok); } #end.failed { border-color: var(--bad); }
#end a { font-weight: 600; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin-bottom: 14px; }
.figure { border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; }
.figure .value { font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .label { color: var(--muted); font-size: .8rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 10px; }
figure { margin: 0; padding: 10px 12px 4px; border: 1px solid var(--line); border-radius: 10px; }
figcaption { font-weight: 600; font-size: .92rem; margin-bottom: 4px; }
svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
svg.chart-empty { width: auto; }
svg .grid { stroke: #eaeef2; } svg .axis { stroke: #8c959f; }
svg .tick, svg .legend, svg .axis-label, svg .chart-empty { font-size: 11px; fill: #59636e; }
#alerts ul { margin: 4px 0; padding-left: 18px; }
#alerts .firing { color: var(--bad); font-weight: 600; } #alerts .pending { color: var(--warn); } #alerts .resolved { color: var(--muted); }
.muted { color: var(--muted); }
`;

// Plain ES2020 in the browser; no framework. `frame` is the JSON of frame.ts's Frame.
const SCRIPT = `
const $ = (id) => document.getElementById(id);
function put(frame) {
  document.title = frame.title + ' · live';
  $('title').textContent = frame.title;
  $('note').textContent = frame.note;
  document.body.dataset.state = frame.state;
  const figures = $('figures');
  for (const f of frame.figures) {
    let box = document.getElementById('figure-' + f.id);
    if (!box) {
      box = document.createElement('div');
      box.className = 'figure';
      box.id = 'figure-' + f.id;
      box.innerHTML = '<div class="value"></div><div class="label"></div>';
      figures.appendChild(box);
    }
    box.querySelector('.value').textContent = f.value;
    box.querySelector('.label').textContent = f.label;
  }
  const charts = $('charts');
  for (const c of frame.charts) {
    let fig = document.getElementById('chart-' + c.id);
    if (!fig) {
      fig = document.createElement('figure');
      fig.id = 'chart-' + c.id;
      fig.appendChild(document.createElement('figcaption')).textContent = c.title;
      fig.appendChild(document.createElement('div'));
      charts.appendChild(fig);
    }
    fig.lastChild.innerHTML = c.svg;
  }
  putAlerts(frame.alerts);
  if (frame.end) putEnd(frame.end);
}
function putAlerts(panel) {
  const box = $('alerts-list');
  box.textContent = '';
  if (!panel.watched) {
    box.textContent = 'No alerts are watched in this run: add --observe to have Prometheus evaluate the project\\'s alert rules.';
    box.className = 'muted';
    return;
  }
  box.className = '';
  if (panel.alerts.length === 0) box.textContent = 'Prometheus is watching; no alert is pending or firing.';
  const list = document.createElement('ul');
  for (const a of panel.alerts) {
    const item = document.createElement('li');
    item.className = a.state;
    const labels = Object.entries(a.labels).map(([k, v]) => k + '=' + v).join(', ');
    item.textContent = a.state + ': ' + a.name + (labels ? ' {' + labels + '}' : '') + ' since ' + new Date(a.since).toLocaleTimeString();
    list.appendChild(item);
  }
  if (panel.alerts.length > 0) box.appendChild(list);
  if (panel.problem) box.appendChild(document.createElement('div')).textContent = panel.problem;
}
function putEnd(end) {
  const box = $('end');
  box.style.display = 'block';
  box.className = end.passed ? 'passed' : 'failed';
  box.textContent = end.verdict + ' ';
  if (end.report) {
    const link = document.createElement('a');
    link.id = 'report-link';
    link.href = end.report;
    link.textContent = 'Open the report';
    box.appendChild(link);
  }
  if (end.folder) box.appendChild(document.createElement('div')).textContent = 'Run folder: ' + end.folder;
}
const source = new EventSource('/events');
source.addEventListener('frame', (event) => put(JSON.parse(event.data)));
// The command is leaving (Ctrl-C, or the last page closed): stop before the browser retries a closed port.
source.addEventListener('bye', () => {
  source.close();
  $('note').textContent = 'paspor-lab has stopped; the run folder keeps the report.';
});
`;

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>paspor-lab · live</title>
<style>${STYLE}</style>
</head>
<body data-state="starting">
<h1 id="title">paspor-lab run</h1>
<p id="note">connecting...</p>
<div id="end" role="status"></div>
<section class="figures" id="figures" aria-label="figures"></section>
<section id="alerts"><h2 style="font-size:1rem;margin:6px 0">Alerts</h2><div id="alerts-list" class="muted">-</div></section>
<section class="charts" id="charts" aria-label="charts"></section>
<script>${SCRIPT}</script>
</body>
</html>
`;
