// A chart that loads its drawing code (recharts) only when it comes near the screen.
//
// The statistics pages show a dozen charts, mostly below the first screen on a phone.
// Importing recharts with the page would add its whole library to the page's first
// load; here the page ships this small file and recharts is fetched, once, when the
// first chart scrolls into view (Vite splits the dynamic import into its own chunk).
// The figures stay readable without it: every chart has a « Voir les données » table.
//
// Props: `spec` = {kind: "bar" | "line" | "pie", x_key, series: [[key, label, colour]],
// vertical, name_key, value_key, colors (pie slices, cycled)}; `data` = rows (list of objects); `height` in pixels.
import { createElement as h, useEffect, useRef, useState } from "react";

let recharts = null;
const loadRecharts = () => (recharts ??= import("./recharts_parts.js"));

function useNearScreen(ref) {
  const [near, setNear] = useState(false);
  useEffect(() => {
    if (near || !ref.current) return undefined;
    if (typeof IntersectionObserver === "undefined") {
      setNear(true);
      return undefined;
    }
    const watcher = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true);
          watcher.disconnect();
        }
      },
      { rootMargin: "300px 0px" },
    );
    watcher.observe(ref.current);
    return () => watcher.disconnect();
  }, [near]);
  return near;
}

const TICK = { fontSize: 12 };
const MARGIN = { left: 0, right: 8, top: 8, bottom: 0 };

function cartesian(R, spec, data) {
  const series = spec.series || [];
  const grid = h(R.CartesianGrid, { strokeDasharray: "3 3" });
  const tail = [h(R.Tooltip, null), h(R.Legend, null)];
  if (spec.kind === "line") {
    return h(
      R.LineChart,
      { data, margin: MARGIN },
      grid,
      h(R.XAxis, { dataKey: spec.x_key, tick: TICK }),
      h(R.YAxis, { tick: TICK, width: 48, allowDecimals: false }),
      ...series.map(([key, label, colour]) =>
        h(R.Line, {
          key,
          dataKey: key,
          name: label,
          stroke: colour,
          strokeWidth: 2,
          type: "monotone",
          isAnimationActive: false,
        }),
      ),
      ...tail,
    );
  }
  const axes = spec.vertical
    ? [
        h(R.XAxis, { type: "number", tick: TICK, allowDecimals: false }),
        h(R.YAxis, {
          dataKey: spec.x_key,
          type: "category",
          width: 150,
          tick: { ...TICK, width: 138 },
          interval: 0,
        }),
      ]
    : [
        h(R.XAxis, { dataKey: spec.x_key, tick: TICK }),
        h(R.YAxis, { tick: TICK, width: 48, allowDecimals: false }),
      ];
  return h(
    R.BarChart,
    { data, margin: MARGIN, layout: spec.vertical ? "vertical" : "horizontal" },
    grid,
    ...axes,
    ...series.map(([key, label, colour]) =>
      h(R.Bar, { key, dataKey: key, name: label, fill: colour, isAnimationActive: false }),
    ),
    ...tail,
  );
}

function pie(R, spec, data) {
  return h(
    R.PieChart,
    null,
    h(
      R.Pie,
      {
        data,
        dataKey: spec.value_key,
        nameKey: spec.name_key,
        innerRadius: "45%",
        outerRadius: "80%",
        isAnimationActive: false,
      },
      ...data.map((row, i) => h(R.Cell, { key: i, fill: spec.colors[i % spec.colors.length] })),
    ),
    h(R.Tooltip, null),
    h(R.Legend, null),
  );
}

export function LazyChart({ spec, data, height }) {
  const box = useRef(null);
  const near = useNearScreen(box);
  const [lib, setLib] = useState(null);
  useEffect(() => {
    if (near && !lib) loadRecharts().then(setLib);
  }, [near, lib]);
  const size = height || 280;
  const rows = Array.isArray(data) ? data : [];
  let chart = null;
  if (lib && spec) {
    chart = h(
      lib.ResponsiveContainer,
      { width: "100%", height: size, minWidth: 10, minHeight: 10 },
      spec.kind === "pie" ? pie(lib, spec, rows) : cartesian(lib, spec, rows),
    );
  }
  return h(
    "div",
    {
      ref: box,
      className: "lazy-chart",
      "data-ready": lib ? "true" : "false",
      style: { width: "100%", height: size, minWidth: 0 },
    },
    chart,
  );
}
