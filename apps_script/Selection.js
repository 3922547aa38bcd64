/**
 * Turns the recruiter's selection into the rows to send.
 *
 * Decisions (the function side relies on them):
 * - Row 1 is never a candidate row (the function finds the header row in the top rows); the script never sends it.
 * - Rows are sent as whole-row A1 ranges "N:M" (a single row is "N:N"), consecutive rows merged.
 * - Rows hidden by a filter, and rows hidden by hand, are left out of the request; the ranges are split around them.
 *   (Rows hidden only in a filter view cannot be seen: a filter view belongs to the person looking, and Apps Script
 *   sees the sheet without it. The confirmation names the exact number of rows to be sent instead.)
 * - A selection reaching past the last row with data (e.g. a whole column) stops at that row.
 * - Parts: at most `maxRows` rows and MAX_RANGES ranges per call (the contract's limit on `ranges`).
 */

/** Most ranges one request may carry (the contract's `ranges`: 1 to 1,000 strings). */
const MAX_RANGES = 1000;

/** Sheet row number of the first header row: never a candidate row. */
const HEADER_ROW = 1;

/**
 * Lists the rows to send from the selected row spans, without touching the Sheet.
 * @param {Array<{first: number, last: number}>} spans selected row spans (sheet row numbers, inclusive)
 * @param {number} lastDataRow the last row of the sheet that has data
 * @param {(row: number) => string} hiddenBy why a row is hidden: "filter", "user" (by hand), or "" when it shows
 * @return {{rows: number[], hidden: {filter: number, user: number}}} rows to send, each once in sheet order, and
 *     how many selected rows were left out because a filter hides them or they were hidden by hand
 */
function selectRows(spans, lastDataRow, hiddenBy) {
  const seen = new Set();
  for (const span of spans) {
    const first = Math.max(span.first, HEADER_ROW + 1);
    const last = Math.min(span.last, lastDataRow);
    for (let row = first; row <= last; row++) {
      seen.add(row);
    }
  }
  const rows = [];
  const hidden = { filter: 0, user: 0 };
  for (const row of Array.from(seen).sort((a, b) => a - b)) {
    const why = hiddenBy(row);
    if (why === 'filter' || why === 'user') {
      hidden[why]++;
    } else {
      rows.push(row);
    }
  }
  return { rows, hidden };
}

/**
 * Writes sorted row numbers as whole-row A1 ranges, merging consecutive rows.
 * @param {number[]} rows sheet row numbers in ascending order
 * @return {string[]} ranges such as ["2:5", "8:8"]
 */
function rowsToRanges(rows) {
  const ranges = [];
  let start = null;
  let previous = null;
  for (const row of rows) {
    if (start !== null && row === previous + 1) {
      previous = row;
      continue;
    }
    if (start !== null) {
      ranges.push(start + ':' + previous);
    }
    start = row;
    previous = row;
  }
  if (start !== null) {
    ranges.push(start + ':' + previous);
  }
  return ranges;
}

/**
 * Splits rows into consecutive parts of at most `maxRows` rows that each make at most `maxRanges` ranges
 * (rows around hidden ones make many short ranges).
 * @param {number[]} rows sheet row numbers in ascending order
 * @param {number} maxRows most rows per part (at least 1)
 * @param {number=} maxRanges most "N:M" ranges per part (MAX_RANGES unless given)
 * @return {number[][]} the parts, in order
 */
function splitIntoParts(rows, maxRows, maxRanges) {
  const rangeLimit = maxRanges || MAX_RANGES;
  const parts = [];
  let part = [];
  let ranges = 0;
  for (const row of rows) {
    const startsRange = part.length === 0 || row !== part[part.length - 1] + 1;
    if (part.length && (part.length >= maxRows || (startsRange && ranges >= rangeLimit))) {
      parts.push(part);
      part = [];
      ranges = 0;
    }
    if (part.length === 0 || row !== part[part.length - 1] + 1) ranges++;
    part.push(row);
  }
  if (part.length) parts.push(part);
  return parts;
}

/**
 * Lists the sheet rows that A1 ranges of one tab touch, each once in sheet order
 * (used for the `remaining` ranges the function answers with).
 * @param {string[]} ranges A1 ranges such as "A2:B10", "C15", "4:7" (an optional "Tab!" prefix is ignored)
 * @return {number[]} sheet row numbers
 * @throws {Error} when a range has no row numbers (e.g. "A:C"), since its rows cannot be counted
 */
function rangesToRows(ranges) {
  const rows = new Set();
  for (const range of ranges) {
    const a1 = String(range).replace(/^.*!/, '');
    const match = /^[A-Za-z]*(\d+)(?::[A-Za-z]*(\d+))?$/.exec(a1);
    if (!match) {
      throw new Error('The invitation service answered with a range the script cannot read: ' + range + '.');
    }
    const first = Number(match[1]);
    const last = match[2] ? Number(match[2]) : first;
    for (let row = Math.min(first, last); row <= Math.max(first, last); row++) {
      rows.add(row);
    }
  }
  return Array.from(rows).sort((a, b) => a - b);
}

/**
 * Reads the active sheet's selection.
 * @return {{sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: number[], hidden: {filter: number, user: number}}}
 *     the sheet, the rows to send and how many selected rows a filter hides or were hidden by hand
 */
function readSelection() {
  const sheet = SpreadsheetApp.getActiveSheet();
  const rangeList = sheet.getActiveRangeList();
  const spans = rangeList
    ? rangeList.getRanges().map((range) => ({ first: range.getRow(), last: range.getLastRow() }))
    : [];
  const filtered = sheet.getFilter() !== null;
  const picked = selectRows(spans, sheet.getLastRow(), (row) => {
    if (filtered && sheet.isRowHiddenByFilter(row)) return 'filter';
    return sheet.isRowHiddenByUser(row) ? 'user' : '';
  });
  return { sheet, rows: picked.rows, hidden: picked.hidden };
}
