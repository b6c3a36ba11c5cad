import { formatGaugeValue, gaugePercent, gaugeStatus, statusWord, type GaugeSpec } from "./gauges";

export interface GaugeProps {
  spec: GaugeSpec;
  value: number | null;
  /** A second line under the value, e.g. "3 pauses so far". */
  note?: string;
  id?: string;
}

/** A horizontal meter with the good band shaded and a marker at the value. */
export function Gauge({ spec, value, note, id }: GaugeProps) {
  const status = gaugeStatus(value, spec);
  const word = statusWord(status, spec);
  const text = formatGaugeValue(value, spec);
  const bandLeft = gaugePercent(spec.low, spec);
  const bandWidth = gaugePercent(spec.high, spec) - bandLeft;
  return (
    <div className={`gauge gauge-${status}`} id={id} data-status={status}>
      <div className="gauge-head">
        <span className="gauge-label">{spec.label}</span>
        <span className="gauge-status">{word}</span>
      </div>
      <div className="gauge-value" data-value={value ?? ""}>
        {text}
      </div>
      <div
        className="gauge-track"
        role="meter"
        aria-label={spec.label}
        aria-valuemin={spec.min}
        aria-valuemax={spec.max}
        aria-valuenow={value ?? spec.min}
        aria-valuetext={value === null ? "no reading yet" : `${text}, ${word}`}
      >
        <span className="gauge-band" style={{ left: `${bandLeft}%`, width: `${bandWidth}%` }} />
        {value !== null && <span className="gauge-marker" style={{ left: `${gaugePercent(value, spec)}%` }} />}
      </div>
      <div className="gauge-scale" aria-hidden="true">
        <span>{spec.min}</span>
        <span>{spec.max}</span>
      </div>
      {note && <p className="gauge-note">{note}</p>}
    </div>
  );
}
