// RFC 5322 date-time (3.3), with the obsolete forms of 4.3 that real MTAs still write, and the variants
// seen in Received headers: missing weekday or seconds, two-digit years, "(UTC)" comments, named zones,
// ISO-8601, and Go's "m=+0.123" monotonic clock suffix (SendGrid). Never falls back to "now".

import { collapseSpaces } from './text.js';

export interface ParsedDate {
  /** ISO-8601 UTC. */
  timestamp: string;
  /** Offset of the zone as written, minutes east of UTC; undefined when no zone was given. */
  zoneOffsetMinutes?: number;
}

// Maps, not object literals: the key is header text, and a property load keyed by ever-different month and zone
// names ("apr", "pdt") sent the optimised parser back to the interpreter ("wrong name") again and again.
const MONTHS: ReadonlyMap<string, number> = new Map(Object.entries({ jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 }));

// RFC 5322 4.3 obs-zone, plus a few common abbreviations.
const ZONES: ReadonlyMap<string, number> = new Map(Object.entries({
  ut: 0, utc: 0, gmt: 0, z: 0, edt: -240, est: -300, cdt: -300, cst: -360, mdt: -360, mst: -420, pdt: -420, pst: -480,
  bst: 60, cet: 60, cest: 120, eet: 120, eest: 180, jst: 540, kst: 540, ist: 330, msk: 180, hkt: 480, sgt: 480, aest: 600, aedt: 660,
}));

const MAX_DATE_TEXT = 200;

function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone) return undefined;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    if (Number(m[2]) > 23 || Number(m[3]) > 59) return undefined;
    return m[1] === '-' ? -minutes : minutes;
  }
  return ZONES.get(zone.toLowerCase());
}

function expandYear(y: string): number {
  const n = Number(y);
  if (y.length === 2) return n < 50 ? 2000 + n : 1900 + n; // RFC 5322 4.3
  if (y.length === 3) return 1900 + n;
  return n;
}

/** 1-12 AM/PM to 0-23; undefined for an impossible hour. */
function twelveHour(hour: number, meridiem: string | undefined): number | undefined {
  if (!meridiem) return hour;
  if (hour < 1 || hour > 12) return undefined;
  return (hour % 12) + (/^pm$/i.test(meridiem) ? 12 : 0);
}

/** Milliseconds of a fraction written after the seconds (".102", Go's ".270951634"), truncated. */
function fractionMs(fraction: string | undefined): number {
  return fraction ? Number(fraction.slice(1, 4).padEnd(3, '0')) : 0;
}

const MS_PER_DAY = 86_400_000;

/** "00" to "99": a date's parts are looked up, not converted (each number-to-string conversion allocated). */
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const two = (n: number) => TWO_DIGITS[n]!;
// Mail dates carry whole seconds: ".000" nearly always.
const three = (n: number) => (n === 0 ? '000' : String(n).padStart(3, '0'));

/**
 * Date.prototype.toISOString for years 0-9999, without a Date: V8's toISOString costs more than the rest of the
 * parse together (about 1.7 us here), and a message has a date per hop. The calendar arithmetic is Howard
 * Hinnant's days-to-civil algorithm (proleptic Gregorian, as ECMAScript's Date is).
 */
export function isoFromMs(ms: number): { iso: string; year: number } {
  const days = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  // Outside 0-9999 toISOString writes a signed six-digit year: leave those to it.
  if (year < 0 || year > 9999) return { iso: new Date(ms).toISOString(), year };
  const h = Math.floor(inDay / 3_600_000);
  const mi = Math.floor((inDay % 3_600_000) / 60_000);
  const s = Math.floor((inDay % 60_000) / 1000);
  const yyyy = year < 1000 ? String(year).padStart(4, '0') : String(year);
  // One flat string from a join: a template literal of thirteen parts built a tree of partial strings, flattened
  // again on first use.
  return { iso: [yyyy, '-', two(month), '-', two(day), 'T', two(h), ':', two(mi), ':', two(s), '.', three(inDay % 1000), 'Z'].join(''), year };
}

/** A 400-year Gregorian cycle in milliseconds: the calendar repeats after it. */
const CYCLE_MS = 146_097 * MS_PER_DAY;

/** Date.UTC for every year: Date.UTC reads 0-99 as 1900-1999, so "01 Jan 0000" was the year 1900 (a written
 * four-digit year is taken as it stands; two- and three-digit ones were expanded before this). */
function utcMs(year: number, month: number, day: number, h: number, mi: number, s: number, millis: number): number {
  if (year >= 100 || year < 0) return Date.UTC(year, month, day, h, mi, s, millis);
  return Date.UTC(year + 400, month, day, h, mi, s, millis) - CYCLE_MS;
}

const MONTH_DAYS: readonly number[] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A day the proleptic Gregorian calendar has (month 0-11): no 31 Feb, 29 Feb only in a leap year. */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 0 || month > 11 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 1 && leap ? 29 : MONTH_DAYS[month]!);
}

function build(year: number, month: number, day: number, h: number, mi: number, s: number, offset: number | undefined, millis = 0): ParsedDate | undefined {
  // A day the month does not have is no date: Date.UTC rolled "31 Feb 2024" over to March 2nd, and the hop table
  // showed that day as the time the hop was written.
  if (!isCalendarDay(year, month, day) || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = utcMs(year, month, day, h, mi, Math.min(s, 59), millis) - (offset ?? 0) * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  const utc = isoFromMs(ms);
  if (utc.year < 1970 && year >= 1970) return undefined;
  // Both keys always (undefined when no zone was written): one shape for every date.
  return { timestamp: utc.iso, zoneOffsetMinutes: offset };
}

// "[Sat,] 21 Apr 2018 03:01:33 +0000 [(UTC)]" and "21 Apr 2018 03:01 GMT"
// A zone name is taken whole, and not when an offset follows it: "UTC-5" and "GMT+2" are no zone we can read (they
// were read as UTC, offset 0).
const RFC5322 = /^(?:[A-Za-z]{2,9},?\s*)?(\d{1,2})\s*[- ]\s*([A-Za-z]{3})[A-Za-z]{0,6}\.?\s*[- ]\s*(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}(?![A-Za-z]|[+-]\d))?/;
// Month first, year before the time, as MHA's samples and AOL's old relays write: "Apr 21 2018 3:01:05 +0000",
// "Aug, 22 2002 8:02:13 AM +0400"
const MONTH_FIRST = /^(?:[A-Za-z]{2,9},?\s+)?([A-Za-z]{3})[A-Za-z]{0,6},?\s+(\d{1,2}),?\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(?:([AP]M)\s*)?([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}(?![A-Za-z]|[+-]\d))?/i;
// asctime / ctime: "Sat Apr 21 03:01:33 2018 [+0000]" and "Sat Apr 21 03:01:33 UTC 2018"
const ASCTIME = /^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([A-Za-z]{1,5})\s+)?(\d{4})(?:\s+([+-]\d{4}))?/;
// ISO 8601 and Go's time.String(): "2023-01-01 12:00:00.123 +0000 UTC m=+0.1", "2023-01-01T12:00:00Z"
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?/;

export function parseMailDate(text: string): ParsedDate | undefined {
  const t = collapseSpaces(text.slice(0, MAX_DATE_TEXT)).trim();
  let m = RFC5322.exec(t);
  if (m) {
    const month = MONTHS.get(m[2]!.toLowerCase());
    if (month === undefined) return undefined;
    return build(expandYear(m[3]!), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), zoneOffset(m[8]), fractionMs(m[7]));
  }
  m = ISO.exec(t);
  if (m) {
    return build(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), zoneOffset(m[8]), fractionMs(m[7]));
  }
  m = MONTH_FIRST.exec(t);
  if (m) {
    const month = MONTHS.get(m[1]!.toLowerCase());
    if (month !== undefined) {
      const hour = twelveHour(Number(m[4]), m[8]);
      if (hour !== undefined) return build(Number(m[3]), month, Number(m[2]), hour, Number(m[5]), Number(m[6] ?? 0), zoneOffset(m[9]), fractionMs(m[7]));
    }
  }
  m = ASCTIME.exec(t);
  if (m) {
    const month = MONTHS.get(m[1]!.toLowerCase());
    if (month === undefined) return undefined;
    return build(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0), zoneOffset(m[8] ?? m[6]));
  }
  return undefined;
}
