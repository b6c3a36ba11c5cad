import { memo, useCallback, useMemo } from "react";
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type MouseHandlerDataParam,
} from "recharts";
import { clock, formatNumber } from "../transcript/clock";
import { downsample, DEFAULT_MAX_POINTS } from "./downsample";
import { snapToPixel } from "./playhead";
import { useElementWidth } from "./useElementWidth";

export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  readonly color: string;
}

export interface ChartBand {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export type ChartRow = { readonly t: number } & Readonly<Record<string, number | null>>;

export interface TimelineChartProps {
  readonly title: string;
  readonly unit: string;
  readonly rows: readonly ChartRow[];
  readonly series: readonly ChartSeries[];
  readonly durationS: number;
  /** The video's current time (the playhead), seconds. */
  readonly currentTime: number;
  readonly onSeek: (t: number) => void;
  readonly band?: ChartBand;
  readonly yDomain?: readonly [number | "auto", number | "auto"];
  readonly height?: number;
  readonly emptyText?: string;
  /** Times (s) to mark with a thin dashed line, e.g. the session's notes. */
  readonly marks?: readonly number[];
}

const Y_AXIS_WIDTH = 48;
const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };

/** A timeline chart with a playhead at the video's time; clicking a point seeks there. */
export function TimelineChart(props: TimelineChartProps) {
  const { rows, series, durationS, currentTime } = props;
  const [ref, width] = useElementWidth<HTMLDivElement>(640);
  const keys = useMemo(() => series.map((s) => s.key), [series]);
  const data = useMemo(() => downsample(rows, keys, Math.min(DEFAULT_MAX_POINTS, Math.max(60, width))), [rows, keys, width]);
  const plotWidth = width - Y_AXIS_WIDTH - MARGIN.right;
  const playhead = snapToPixel(currentTime, durationS, plotWidth);
  const hasData = data.some((row) => keys.some((k) => typeof row[k] === "number"));
  return (
    <figure className="timeline-chart" aria-label={props.title}>
      <figcaption className="timeline-chart__title">
        {props.title} <span className="timeline-chart__unit">({props.unit})</span>
      </figcaption>
      <div ref={ref} className="timeline-chart__plot">
        {hasData ? (
          <ChartBody
            title={props.title}
            unit={props.unit}
            series={series}
            durationS={durationS}
            onSeek={props.onSeek}
            band={props.band}
            yDomain={props.yDomain}
            height={props.height}
            marks={props.marks}
            data={data}
            width={width}
            playhead={playhead}
          />
        ) : (
          <p className="timeline-chart__empty">{props.emptyText ?? "Not measured in this recording."}</p>
        )}
      </div>
    </figure>
  );
}

interface BodyProps extends Omit<TimelineChartProps, "rows" | "currentTime" | "emptyText"> {
  readonly data: readonly ChartRow[];
  readonly width: number;
  readonly playhead: number | null;
}

/** The chart itself, memoised: it re-renders when the snapped playhead moves, not at every time update. */
const ChartBody = memo(function ChartBody({
  title,
  unit,
  data,
  series,
  durationS,
  onSeek,
  band,
  yDomain,
  height = 160,
  marks,
  width,
  playhead,
}: BodyProps) {
  const handleClick = useCallback(
    (state: MouseHandlerDataParam) => {
      const t = Number(state.activeLabel);
      if (Number.isFinite(t)) onSeek(t);
    },
    [onSeek],
  );
  // The same element objects from render to render: when only the playhead moves, React skips them.
  const fixed = useMemo(
    () => [
      <CartesianGrid key="grid" strokeDasharray="3 3" stroke="#d4d8de" />,
      <XAxis
        key="x"
        dataKey="t"
        type="number"
        domain={[0, Math.max(durationS, 1)]}
        tickFormatter={(t: number) => clock(t)}
        stroke="#4a5361"
        fontSize={12}
      />,
      <YAxis
        key="y"
        width={Y_AXIS_WIDTH}
        domain={yDomain ? [...yDomain] : ["auto", "auto"]}
        stroke="#4a5361"
        fontSize={12}
        allowDecimals={false}
      />,
      band ? (
        <ReferenceArea key="band" y1={band.from} y2={band.to} fill="#2f855a" fillOpacity={0.08} ifOverflow="extendDomain" />
      ) : null,
      <Tooltip
        key="tooltip"
        labelFormatter={(t) => clock(Number(t))}
        formatter={(value) => `${formatNumber(Number(value))} ${unit}`}
        isAnimationActive={false}
      />,
      ...(marks ?? []).map((t, i) => (
        <ReferenceLine
          key={`mark-${i}`}
          x={t}
          stroke="#b45309"
          strokeDasharray="4 3"
          ifOverflow="hidden"
          className="timeline-chart__mark"
        />
      )),
      ...series.map((s) => (
        <Line
          key={s.key}
          dataKey={s.key}
          name={s.label}
          stroke={s.color}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          connectNulls={false}
        />
      )),
    ],
    [durationS, yDomain, band, unit, series, marks],
  );
  return (
    <LineChart
      width={width}
      height={height}
      data={data as ChartRow[]}
      margin={MARGIN}
      onClick={handleClick}
      className="timeline-chart__svg"
      accessibilityLayer
      title={`${title} over time`}
    >
      {fixed}
      {playhead !== null ? (
        <ReferenceLine x={playhead} stroke="#c53030" strokeWidth={2} ifOverflow="hidden" className="timeline-chart__playhead" />
      ) : null}
    </LineChart>
  );
});
