// isoFromMs must write exactly what Date.prototype.toISOString writes: every hop timestamp goes through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoFromMs, parseMailDate } from '../../src/message/dates.js';

// Date.UTC reads years 0-99 as 1900-1999, so year 0 comes from an ISO string.
const YEAR_0 = Date.parse('0000-01-01T00:00:00Z');

const EDGES = [
  0, -1, 1, 86_399_999, 86_400_000, -86_400_000,
  YEAR_0 - 1, // the last millisecond of year -1: toISOString's six-digit form
  YEAR_0,
  Date.UTC(2000, 1, 29, 23, 59, 59, 999), // a leap day in a century leap year
  Date.UTC(1900, 1, 28, 12), // 1900 is not a leap year
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1, // +010000
  new Date('0001-01-01T00:00:00Z').getTime(),
];

test('isoFromMs matches toISOString at the edges of the calendar', () => {
  for (const ms of EDGES) {
    const d = new Date(ms);
    assert.deepEqual(isoFromMs(ms), { iso: d.toISOString(), year: d.getUTCFullYear() }, String(ms));
  }
});

test('isoFromMs matches toISOString over a spread of instants from year 0 to 9999', () => {
  const from = YEAR_0;
  const to = Date.UTC(9999, 11, 31);
  const step = Math.floor((to - from) / 20_011); // not a whole number of days: every time of day comes up
  for (let ms = from; ms <= to; ms += step) assert.equal(isoFromMs(ms).iso, new Date(ms).toISOString());
});

test('parseMailDate writes UTC timestamps with milliseconds, as before', () => {
  assert.deepEqual(parseMailDate('Mon, 26 Mar 2018 13:35:36.102 +0200 (CEST)'), { timestamp: '2018-03-26T11:35:36.102Z', zoneOffsetMinutes: 120 });
  assert.deepEqual(parseMailDate('Thu, 22 Aug 2002 16:33:43 -0700'), { timestamp: '2002-08-22T23:33:43.000Z', zoneOffsetMinutes: -420 });
  assert.deepEqual(parseMailDate('Sat Apr 21 03:01:33 2018'), { timestamp: '2018-04-21T03:01:33.000Z', zoneOffsetMinutes: undefined });
});

test('a zone name followed by an offset ("UTC-5", "GMT+2") is no zone we can read: no offset, where it was read as 0', () => {
  for (const d of ['Mon, 1 Jan 2024 10:00:00 UTC-5', 'Mon, 1 Jan 2024 10:00:00 GMT+2', 'Apr 21 2018 3:01:05 PM GMT+2']) {
    const parsed = parseMailDate(d);
    assert.ok(parsed, d);
    assert.equal(parsed.zoneOffsetMinutes, undefined, d);
  }
  assert.equal(parseMailDate('Mon, 1 Jan 2024 10:00:00 GMT')?.zoneOffsetMinutes, 0);
  assert.equal(parseMailDate('Mon, 1 Jan 2024 10:00:00 PDT(x)')?.zoneOffsetMinutes, -420);
});

test('a four-digit year below 100 is that year, not 1900 plus it (Date.UTC reads 0-99 as 1900-1999)', () => {
  assert.equal(parseMailDate('Sat, 1 Jan 0000 00:00:00 +0000')?.timestamp, '0000-01-01T00:00:00.000Z');
  assert.equal(parseMailDate('0099-12-31T23:59:59Z')?.timestamp, '0099-12-31T23:59:59.000Z');
  assert.equal(parseMailDate('Jan 1 0050 10:00:00 +0100')?.timestamp, '0050-01-01T09:00:00.000Z');
  // A leap day in year 0 (a leap year) and a day that year 0 does not have.
  assert.equal(parseMailDate('29 Feb 0000 12:00:00 +0000')?.timestamp, '0000-02-29T12:00:00.000Z');
  // Two- and three-digit years are still expanded (RFC 5322 4.3), and year 100 on is read as written.
  assert.equal(parseMailDate('1 Jan 99 00:00:00 +0000')?.timestamp, '1999-01-01T00:00:00.000Z');
  assert.equal(parseMailDate('1 Jan 0100 00:00:00 +0000')?.timestamp, '0100-01-01T00:00:00.000Z');
});

test('a day the month does not have is no date (Date.UTC rolled it over into the next month)', () => {
  for (const d of ['Sat, 31 Feb 2024 10:00:00 +0000', '30 Feb 2024 10:00:00 +0000', '29 Feb 2023 10:00:00 +0000', '31 Apr 2024 10:00 GMT', '2024-06-31 10:00:00Z', 'Nov 31 2024 10:00:00 +0000', 'Sat Sep 31 10:00:00 2024', '29 Feb 1900 10:00:00 +0000']) {
    assert.equal(parseMailDate(d), undefined, d);
  }
  for (const [d, iso] of [['29 Feb 2024 10:00:00 +0000', '2024-02-29T10:00:00.000Z'], ['29 Feb 2000 10:00:00 +0000', '2000-02-29T10:00:00.000Z'], ['31 Dec 2024 23:59:59 +0000', '2024-12-31T23:59:59.000Z'], ['30 Apr 2024 10:00:00 +0000', '2024-04-30T10:00:00.000Z']]) {
    assert.equal(parseMailDate(d!)?.timestamp, iso, d);
  }
});
