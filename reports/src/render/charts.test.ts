import { describe, expect, it } from 'vitest';
import { lineChartSvg } from './charts.ts';

describe('lineChartSvg', () => {
  const points = Array.from({ length: 30 }, (_, x) => ({ x, y: 100 + x * 37 }));

  it('draws one path per series with a legend entry, and nice round ticks', () => {
    const svg = lineChartSvg({
      title: 'Latency',
      xLabel: 'seconds',
      noData: 'none',
      series: [
        { label: 'baseline p95', points, color: '#888', dashed: true },
        { label: 'candidate p95', points: points.map((p) => ({ x: p.x, y: p.y / 4 })), color: '#06c' },
      ],
    });
    expect(svg.match(/<path class="series"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>baseline p95</text>');
    // y runs to 1,173; d3's nice domain ends at a round 1,200 and ticks every 200.
    expect(svg).toContain('>1,200</text>');
    expect(svg).not.toContain('NaN');
  });

  it('escapes labels and says there is no data instead of drawing empty axes', () => {
    const svg = lineChartSvg({
      title: 'a<b',
      xLabel: 's',
      noData: 'No data & nothing',
      series: [{ label: 'x', points: [], color: '#000' }],
    });
    expect(svg).toContain('<title>a&lt;b</title>');
    expect(svg).toContain('No data &amp; nothing');
    expect(svg).not.toContain('<path');
  });

  it('puts ticks on whole seconds only, however short the run', () => {
    const svg = lineChartSvg({
      title: 't',
      xLabel: 's',
      noData: '-',
      series: [
        {
          label: 'x',
          points: [
            { x: 0, y: 3 },
            { x: 1, y: 4 },
          ],
          color: '#000',
        },
      ],
    });
    const xTicks = [...svg.matchAll(/text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(xTicks).toEqual(['0', '1', 's']);
  });

  it('draws a single point without dividing by zero', () => {
    const svg = lineChartSvg({
      title: 't',
      xLabel: 's',
      noData: '-',
      series: [{ label: 'x', points: [{ x: 5, y: 0 }], color: '#000' }],
    });
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('<path class="series"');
  });
});
