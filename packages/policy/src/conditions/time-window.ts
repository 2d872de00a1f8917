// Condition `time`: weekdays and a local-time window (cut-off times) in an IANA time zone (§4.11).
// Local time is derived with Intl.DateTimeFormat from the start of the UTC minute containing
// `now` (the condition has minute resolution), so it is deterministic for a given Node/ICU version
// and can be memoized per minute. `from` is inclusive, `to` exclusive; from > to wraps midnight (e.g. 18:00 to
// 08:00); from == to covers the whole day. Weekdays are those of the local date at `now`.
import type { Conditions, Weekday } from '../document.ts';
import {
  type CompileContext,
  type CompiledCondition,
  type EvalFacts,
  list,
  type LocalTime,
} from './condition.ts';

const DAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// Formatters and the last local time per zone are memos of pure functions, shared by every
// compiled policy in the process (a what-if diff evaluates each request under two policies).
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
const LAST_LOCAL = new Map<string, { minute: number; local: LocalTime }>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    FORMATTERS.set(tz, f);
  }
  return f;
}

/** Local time at the start of the UTC minute containing `now`, in `tz` (memoized). */
export function localTimeAt(now: number, tz: string): LocalTime {
  const minute = Math.floor(now / 60_000);
  const memo = LAST_LOCAL.get(tz);
  if (memo && memo.minute === minute) return memo.local;
  const local = localTime(minute * 60_000, formatter(tz));
  LAST_LOCAL.set(tz, { minute, local });
  return local;
}

/** Local weekday and minutes since midnight of `now` in `tz`. */
export function localTime(now: number, fmt: Intl.DateTimeFormat): LocalTime {
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const p of fmt.formatToParts(now)) {
    if (p.type === 'weekday') weekday = DAYS[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function compileTimeWindow(
  c: NonNullable<Conditions['time']>,
  ctx: CompileContext,
): CompiledCondition {
  const tz = c.timezone ?? ctx.policy.timezone;
  formatter(tz); // fail at compile time, not evaluation time, on a zone this runtime lacks
  const days = c.weekdays ? new Set(c.weekdays.map((d) => WEEKDAYS.indexOf(d))) : null;
  const from = c.from === undefined ? null : toMinutes(c.from);
  const to = c.to === undefined ? null : toMinutes(c.to);
  const local = (f: EvalFacts) => {
    let t = f.local.get(tz);
    if (!t) {
      t = localTimeAt(f.now, tz);
      f.local.set(tz, t);
    }
    return t;
  };
  return {
    kind: 'time',
    test(f) {
      const t = local(f);
      if (days && !days.has(t.weekday)) return false;
      if (from === null || to === null || from === to) return true;
      return from < to ? t.minutes >= from && t.minutes < to : t.minutes >= from || t.minutes < to;
    },
    describe(f) {
      const t = local(f);
      const hh = String(Math.floor(t.minutes / 60)).padStart(2, '0');
      const mm = String(t.minutes % 60).padStart(2, '0');
      const parts = [`local time ${WEEKDAYS[t.weekday]} ${hh}:${mm} ${tz}`];
      if (c.weekdays) parts.push(`on ${list(c.weekdays)}`);
      if (c.from) parts.push(`in [${c.from}, ${c.to})`);
      return parts.join(' ');
    },
  };
}
