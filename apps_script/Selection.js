/**
 * Turns the recruiter's selection into the rows to send.
 *
 * Decisions (the function side relies on them):
 * - Row 1 is never a candidate row (the function finds the header row in the top rows); the script never sends it.
 * - Rows are sent as whole-row A1 ranges "N:M" (a single row is "N:N"), consecutive rows merged.
 * - Rows hidden by a filter are left out of the request; the ranges are split around them.
 * - A selection reaching past the last row with data (e.g. a whole column) stops at that row.
 */

/** Sheet row number of the first header row: never a candidate row. */
const HEADER_ROW = 1;

/**
 * Lists the rows to send from the selected row spans, without touching the Sheet.
 * @param {Array<{first: number, last: number}>} spans selected row spans (sheet row numbers, inclusive)
 * @param {number} lastDataRow the last row of the sheet that has data
 * @param {(row: number) => boolean} isHidden tells whether a row is hidden by a filter
 * @return {{rows: number[], hiddenCount: number}} rows to send, each once in sheet order, and how many
 *     selected rows were left out because a filter hides them
 */
function selectRows(spans, lastDataRow, isHidden) {
  const seen = new Set();
  for (const span of spans) {
    const first = Math.max(span.first, HEADER_ROW + 1);
    const last = Math.min(span.last, lastDataRow);
    for (let row = first; row <= last; row++) {
      seen.add(row);
    }
  }
  const rows = [];
  let hiddenCount = 0;
  for (const row of Array.from(seen).sort((a, b) => a - b)) {
    if (isHidden(row)) {
      hiddenCount++;
    } else {
      rows.push(row);
    }
  }
  return { rows, hiddenCount };
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
 * Splits rows into consecutive chunks of at most `size` rows.
 * @param {number[]} rows sheet row numbers
 * @param {number} size most rows per chunk (at least 1)
 * @return {number[][]} the chunks, in order
 */
function chunkRows(rows, size) {
  const chunks = [];
  for (let i = 0; i < rows.length; i += size) {
    chunks.push(rows.slice(i, i + size));
  }
  return chunks;
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
 * @return {{sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: number[], hiddenCount: number}}
 *     the sheet, the rows to send and how many selected rows a filter hides
 */
function readSelection() {
  const sheet = SpreadsheetApp.getActiveSheet();
  const rangeList = sheet.getActiveRangeList();
  const spans = rangeList
    ? rangeList.getRanges().map((range) => ({ first: range.getRow(), last: range.getLastRow() }))
    : [];
  const filtered = sheet.getFilter() !== null;
  const picked = selectRows(spans, sheet.getLastRow(), (row) => filtered && sheet.isRowHiddenByFilter(row));
  return { sheet, rows: picked.rows, hiddenCount: picked.hiddenCount };
}
