// The session's systolic, diastolic and SpO2 over time (uPlot), with the P-BP-ALERT and
// P-SPO2-MIN lines drawn across.
let chart = null;

function points(record) {
  const vitals = (record.vitals ?? []).filter((v) => !v.amended)
    .map((v) => ({ t: Date.parse(v.taken_at) / 1000, sys: v.systolic, dia: v.diastolic, spo2: v.spo2 }));
  const observed = (record.observations ?? []).filter((o) => !o.amended)
    .map((o) => ({ t: Date.parse(o.observed_at) / 1000, spo2: o.spo2 }));
  return [...vitals, ...observed].sort((a, b) => a.t - b.t);
}

export function renderChart(container, record, limits, timeZone) {
  if (!window.uPlot) return;
  const rows = points(record);
  const times = rows.map((r) => r.t);
  const line = (value) => times.map(() => value);
  const data = [times, rows.map((r) => r.sys ?? null), rows.map((r) => r.dia ?? null),
    rows.map((r) => r.spo2 ?? null), line(limits.systolic), line(limits.diastolic),
    line(limits.spo2)];
  if (chart) {
    chart.setData(data);
    return;
  }
  const limit = (label, stroke) => ({ label, stroke, dash: [8, 6], width: 2, points: { show: false } });
  chart = new window.uPlot({
    width: Math.max(280, container.clientWidth - 8), height: 240,
    series: [{}, { label: "Systolic", stroke: "#005eb8", width: 3, spanGaps: true },
      { label: "Diastolic", stroke: "#330072", width: 3, spanGaps: true },
      { label: "SpO2 %", stroke: "#007f3b", width: 3, spanGaps: true },
      limit("P-BP-ALERT systolic", "#b3261e"), limit("P-BP-ALERT diastolic", "#b3261e"),
      limit("P-SPO2-MIN", "#8a5a00")],
    scales: { y: { range: [40, 200] } },
    tzDate: (seconds) => window.uPlot.tzDate(new Date(seconds * 1000), timeZone),
    axes: [{}, { label: "mmHg / %" }],
  }, data, container);
  // The tablet turns: the chart follows its column's width.
  new ResizeObserver(() => chart.setSize({ width: Math.max(280, container.clientWidth - 8),
                                           height: 240 })).observe(container);
}
