import { memo } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { useElementWidth } from "./useElementWidth";

export interface TrendPoint {
  /** Position on the x axis (the session's number, oldest first). */
  readonly n: number;
  readonly value: number | null;
  /** Shown in the tooltip and on the axis. */
  readonly label: string;
}

export interface TrendChartProps {
  readonly points: readonly TrendPoint[];
  readonly name: string;
  readonly format: (value: number) => string;
  /** A goal's target, drawn as a dashed line. */
  readonly target?: number | null;
  readonly height?: number;
}

/** One metric across sessions, with the goal as a reference line. */
export const TrendChart = memo(function TrendChart({ points, name, format, target = null, height = 260 }: TrendChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>(640);
  const labels = new Map(points.map((p) => [p.n, p.label]));
  return (
    <div ref={ref} className="trend-chart">
      <LineChart width={width} height={height} data={points as TrendPoint[]} margin={{ top: 12, right: 24, bottom: 4, left: 0 }} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" stroke="#d4d8de" />
        <XAxis
          dataKey="n"
          type="number"
          domain={["dataMin", "dataMax"]}
          allowDecimals={false}
          tickFormatter={(n: number) => labels.get(n) ?? ""}
          stroke="#4a5361"
          fontSize={12}
        />
        <YAxis width={48} stroke="#4a5361" fontSize={12} domain={["auto", "auto"]} />
        <Tooltip
          labelFormatter={(n) => labels.get(Number(n)) ?? ""}
          formatter={(value) => [format(Number(value)), name]}
          isAnimationActive={false}
        />
        {target !== null ? (
          <ReferenceLine y={target} stroke="#18794e" strokeDasharray="6 4" ifOverflow="extendDomain" label={{ value: "goal", position: "insideTopRight", fill: "#18794e", fontSize: 12 }} />
        ) : null}
        <Line dataKey="value" name={name} stroke="#3b3fd8" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} connectNulls />
      </LineChart>
    </div>
  );
});
