// The continuous computation of the example: per-sensor aggregates over a sliding window,
// emitted at a steady rate. Pure RxJS: every timer runs on the scheduler you pass, so the
// marble test drives it in virtual time.
import { asyncScheduler, filter, interval, map, merge, scan, type Observable, type SchedulerLike } from 'rxjs';

/** One measurement a sensor sends: `{"sensor":"temp-1","value":21.5}`. */
export interface Reading {
  readonly sensor: string;
  readonly value: number;
}

/** The statistics of one sensor over the window. */
export interface SensorStats {
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** What subscribers receive every `everyMs`: the window's statistics per sensor. */
export interface Aggregate {
  /** Scheduler time of this aggregate, in ms. */
  readonly at: number;
  readonly windowMs: number;
  /** Readings in the window, all sensors together. */
  readonly readings: number;
  readonly sensors: Readonly<Record<string, SensorStats>>;
}

/** Whether a decoded message is a reading. */
export function isReading(message: unknown): message is Reading {
  const candidate = message as Partial<Reading> | null;
  return typeof candidate?.sensor === 'string' && candidate.sensor !== '' && typeof candidate.value === 'number' && Number.isFinite(candidate.value);
}

/** How often and over how long to aggregate. */
export interface AggregateOptions {
  /** Length of the sliding window, ms. */
  readonly windowMs: number;
  /** How often an aggregate is emitted, ms. */
  readonly everyMs: number;
  readonly scheduler?: SchedulerLike;
}

interface Timed {
  readonly at: number;
  readonly reading: Reading;
}

/** Emits, every `everyMs`, the statistics of the readings of the last `windowMs`. */
export function slidingAggregates(readings: Observable<Reading>, { windowMs, everyMs, scheduler = asyncScheduler }: AggregateOptions): Observable<Aggregate> {
  return merge(
    readings.pipe(map((reading): Timed => ({ at: scheduler.now(), reading }))),
    interval(everyMs, scheduler).pipe(map(() => 'tick' as const)),
  ).pipe(
    scan(
      (state: { window: Timed[]; emit: boolean }, event: Timed | 'tick') => {
        if (event !== 'tick') return { window: [...state.window, event], emit: false };
        const since = scheduler.now() - windowMs;
        return { window: state.window.filter(({ at }) => at > since), emit: true };
      },
      { window: [], emit: false },
    ),
    filter(({ emit }) => emit),
    map(({ window }) => summarize(window, scheduler.now(), windowMs)),
  );
}

function summarize(window: readonly Timed[], at: number, windowMs: number): Aggregate {
  const bySensor = new Map<string, number[]>();
  for (const { reading } of window) {
    const values = bySensor.get(reading.sensor) ?? [];
    values.push(reading.value);
    bySensor.set(reading.sensor, values);
  }
  const sensors: Record<string, SensorStats> = {};
  for (const [sensor, values] of [...bySensor].sort(([a], [b]) => a.localeCompare(b))) {
    const sum = values.reduce((total, value) => total + value, 0);
    sensors[sensor] = { count: values.length, mean: sum / values.length, min: Math.min(...values), max: Math.max(...values) };
  }
  return { at, windowMs, readings: window.length, sensors };
}
