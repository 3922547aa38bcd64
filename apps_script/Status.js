/**
 * Refresh interview status: the rows' interview status, score and decision from JobMojito, through the function's
 * `"action": "status"` (docs/contract.md, "Status refresh"). It spends nothing, so it asks no question; it runs in parts
 * following `remaining` within the 6 minutes, like an invitation run (processRows), and ends with a summary.
 *
 * Which rows: the selection, as for an invitation run (rows hidden by a filter or by hand are left out); but a single
 * selected cell means the whole tab, every data row below row 1, hidden or not (a refresh changes only the status
 * cells, and a tab filtered to show some candidates is still meant to stay current). The hourly refresh (Hourly.js)
 * refreshes whole tabs the same way.
 */

/** The header a tab with status columns has (matched as the function matches headers: case, spaces, - and _ ignored). */
const STATUS_HEADER = 'interview_status';

/** How many top rows may hold the header row (the function looks in as many). */
const HEADER_SEARCH_ROWS = 5;

/**
 * Menu item "Refresh interview status".
 */
function refreshInterviewStatus() {
  const startedAt = Date.now();
  requireEveryScope();
  const job = prepareJob('status', startedAt, readRefreshSelection);
  if (!job) return;
  const ui = SpreadsheetApp.getUi();
  const title = dialogTitle(job.settings);
  const lock = takeDocumentLock(ui, title);
  if (!lock) return;
  try {
    const outcome = processRows(job, {
      dryRun: false,
      force: false,
      onPart: (progress) =>
        SpreadsheetApp.getActiveSpreadsheet().toast(
          formatNumber(progress.done) + ' of ' + formatNumber(progress.total) + ' refreshed…',
          title,
        ),
    });
    ui.alert(title, withTestMode(job.settings, refreshSummaryText(outcome), MESSAGES.testModeRefresh), ui.ButtonSet.OK);
  } finally {
    lock.releaseLock();
  }
}

/**
 * The rows a refresh from the menu sends: the whole tab when a single cell is selected (or nothing is), else the
 * selection as readSelection reads it.
 * @return {{sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: number[], hidden: {filter: number, user: number}}} the
 *     tab, its rows, and how many selected rows were left out as hidden
 */
function readRefreshSelection() {
  const sheet = SpreadsheetApp.getActiveSheet();
  const rangeList = sheet.getActiveRangeList();
  const ranges = rangeList ? rangeList.getRanges() : [];
  if (isSingleCell(ranges.map((range) => ({ rows: range.getNumRows(), columns: range.getNumColumns() })))) {
    return { sheet, rows: wholeTabRows(sheet.getLastRow()), hidden: { filter: 0, user: 0 } };
  }
  return readSelection();
}

/**
 * Tells whether a selection is a single cell (or nothing), without touching the Sheet.
 * @param {Array<{rows: number, columns: number}>} ranges the selected ranges' sizes
 * @return {boolean} true for no range, or one range of one row and one column
 */
function isSingleCell(ranges) {
  return ranges.length === 0 || (ranges.length === 1 && ranges[0].rows === 1 && ranges[0].columns === 1);
}

/**
 * Every data row of a tab: the rows below row 1 down to the last row with data (the function finds the header row
 * in the top rows and ignores it and the rows above it).
 * @param {number} lastRow the tab's last row with data
 * @return {number[]} the rows, in order
 */
function wholeTabRows(lastRow) {
  const rows = [];
  for (let row = HEADER_ROW + 1; row <= lastRow; row++) rows.push(row);
  return rows;
}

/**
 * A header cell as the function compares headers: lower case, without spaces, dashes and underscores.
 * @param {*} text the cell
 * @return {string} the key, e.g. "Interview Status" -> "interviewstatus"
 */
function headerKey(text) {
  return String(text).toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * Tells whether a tab's top rows have the status columns: a cell of the top HEADER_SEARCH_ROWS rows reads
 * `interview_status` (as the function matches headers).
 * @param {string[][]} topRows the displayed values of the tab's top rows
 * @return {boolean} true when one cell is the interview_status header
 */
function hasStatusColumns(topRows) {
  const wanted = headerKey(STATUS_HEADER);
  return topRows.slice(0, HEADER_SEARCH_ROWS).some((line) => line.some((cell) => headerKey(cell) === wanted));
}

/**
 * The tabs of a spreadsheet that have the status columns and data rows below row 1: one read of each tab's top rows.
 * @param {GoogleAppsScript.Spreadsheet.Spreadsheet} spreadsheet the spreadsheet
 * @return {GoogleAppsScript.Spreadsheet.Sheet[]} the tabs, in the spreadsheet's order
 */
function statusTabs(spreadsheet) {
  return spreadsheet.getSheets().filter((sheet) => {
    const lastRow = sheet.getLastRow();
    const lastColumn = sheet.getLastColumn();
    if (lastRow <= HEADER_ROW || lastColumn < 1) return false;
    const top = sheet.getRange(1, 1, Math.min(HEADER_SEARCH_ROWS, lastRow), lastColumn).getDisplayValues();
    return hasStatusColumns(top);
  });
}
