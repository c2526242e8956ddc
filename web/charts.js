// uPlot charts of a Release's trail: the weights over time, and each health condition's value
// against its threshold.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const BLUE = '#1d4ed8';
const GREEN = '#15803d';
const VALUE = '#7c3aed';
const LIMIT = '#b91c1c';

function Chart({ title, data, series, yRange }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const width = Math.max(320, Math.min(900, box.current.clientWidth || 600));
    plot.current = new uPlot(
      {
        width,
        height: 180,
        series: [{}, ...series],
        axes: [{}, { size: 48 }],
        scales: { x: { time: true }, ...(yRange ? { y: { range: yRange } } : {}) },
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      box.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => plot.current?.setData(data), [data]);
  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${box} role="img" aria-label=${title}></div></figure>`;
}

export function WeightsChart({ samples }) {
  const data = [samples.map((s) => s.t / 1000), samples.map((s) => s.weights?.blue ?? null), samples.map((s) => s.weights?.green ?? null)];
  return html`<${Chart}
    title="Traffic weights (%)"
    data=${data}
    yRange=${[0, 100]}
    series=${[
      { label: 'blue', stroke: BLUE, width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
      { label: 'green', stroke: GREEN, width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
    ]}
  />`;
}

export function HealthCharts({ samples }) {
  const names = [...new Set(samples.flatMap((s) => s.health.map((h) => h.name)))];
  return names.map((name) => {
    const of = (s) => s.health.find((h) => h.name === name);
    const threshold = samples.map(of).find((h) => h?.threshold)?.threshold ?? '';
    const data = [samples.map((s) => s.t / 1000), samples.map((s) => of(s)?.value ?? null), samples.map((s) => of(s)?.limit ?? null)];
    return html`<${Chart}
      key=${name}
      title=${`${name}${threshold ? ` (threshold ${threshold})` : ''}`}
      data=${data}
      series=${[
        { label: 'value', stroke: VALUE, width: 2, points: { show: true, size: 4 } },
        { label: 'threshold', stroke: LIMIT, width: 1, dash: [6, 4] },
      ]}
    />`;
  });
}
