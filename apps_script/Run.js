/**
 * Runs a selection through the function: dry run, confirmation, real run in chunks, closing summary.
 */

/** Stop starting new calls after this long, well before Apps Script's 6-minute limit. */
const TIME_BUDGET_MS = 5 * 60 * 1000;

/** How long to wait for another run in this Sheet to finish before telling the user. */
const LOCK_WAIT_MS = 2000;

/** Answer fields the script writes itself for rows the function could not write, in column order. */
const WRITTEN_FIELDS = ['interview_url', 'result', 'profile_interview_id'];

/** Row statuses whose result sentence belongs in the Sheet (the others' sentences are for the dialog only). */
const RESULT_WRITTEN_STATUSES = new Set(['ok', 'duplicate', 'invalid', 'error', 'pending']);

/**
 * Menu item "Generate interview links": interview links without email.
 */
function generateInterviewLinks() {
  runFromMenu('url');
}

/**
 * Menu item "Send email invitations": JobMojito's email chain.
 */
function sendEmailInvitations() {
  runFromMenu('invitation');
}

/**
 * Menu item "Preview selection": a dry run of the selection, shown as a short summary. Nothing is sent or written.
 */
function previewSelection() {
  const startedAt = Date.now();
  const job = prepareJob('invitation', startedAt);
  if (!job) return;
  const plan = processRows(job, { dryRun: true, force: false });
  const ui = SpreadsheetApp.getUi();
  if (plan.error) {
    ui.alert(TITLE, plan.error, ui.ButtonSet.OK);
  } else if (plan.stopped) {
    ui.alert(TITLE, MESSAGES.checkTooLong, ui.ButtonSet.OK);
  } else {
    ui.alert(TITLE + ' preview', previewText(plan.rows, job.hiddenCount), ui.ButtonSet.OK);
  }
}

/**
 * Dry run, confirmation, then the real run, under the document lock so that two runs never overlap.
 * @param {string} type "url" or "invitation"
 */
function runFromMenu(type) {
  const startedAt = Date.now();
  const job = prepareJob(type, startedAt);
  if (!job) return;
  const ui = SpreadsheetApp.getUi();
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    ui.alert(TITLE, MESSAGES.busy, ui.ButtonSet.OK);
    return;
  }
  try {
    const plan = processRows(job, { dryRun: true, force: false });
    if (plan.error || plan.stopped) {
      ui.alert(TITLE, plan.error || MESSAGES.checkTooLong, ui.ButtonSet.OK);
      return;
    }
    const grouped = groupResults(plan.rows);
    let force = false;
    if (grouped.wouldSend === 0) {
      const text = nothingNewText(plan.rows, job.hiddenCount);
      if (grouped.forceable === 0) {
        ui.alert(TITLE, text, ui.ButtonSet.OK);
        return;
      }
      if (ui.alert(TITLE, text, ui.ButtonSet.YES_NO) !== ui.Button.YES) {
        SpreadsheetApp.getActiveSpreadsheet().toast(MESSAGES.cancelled, TITLE);
        return;
      }
      force = true;
    } else if (ui.alert(TITLE, confirmationText(type, plan.rows, job.hiddenCount), ui.ButtonSet.OK_CANCEL) !== ui.Button.OK) {
      SpreadsheetApp.getActiveSpreadsheet().toast(MESSAGES.cancelled, TITLE);
      return;
    }
    const outcome = processRows(job, {
      dryRun: false,
      force,
      onChunk: (progress) =>
        SpreadsheetApp.getActiveSpreadsheet().toast(
          formatNumber(progress.done) + ' of ' + formatNumber(progress.total) + ' done…',
          TITLE,
        ),
    });
    ui.alert(TITLE, summaryText(type, outcome), ui.ButtonSet.OK);
  } finally {
    lock.releaseLock();
  }
}

/**
 * Checks the settings and reads the selection; tells the user what is missing when it cannot start.
 * @param {string} type "url" or "invitation"
 * @param {number} startedAt when the menu item was chosen (ms since epoch)
 * @return {?{type: string, settings: {functionUrl: string, interviewId: string, hideMenu: boolean},
 *     spreadsheetId: string, sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: number[], hiddenCount: number,
 *     startedAt: number}} what a run needs, or null when the user was told why it cannot start
 */
function prepareJob(type, startedAt) {
  const ui = SpreadsheetApp.getUi();
  const settings = getSettings();
  const missing = [];
  if (!settings.functionUrl) missing.push('function URL');
  if (!settings.interviewId) missing.push('interview ID');
  if (missing.length) {
    ui.alert(TITLE, missingSettingsText(missing), ui.ButtonSet.OK);
    showSettings();
    return null;
  }
  const selection = readSelection();
  if (selection.rows.length === 0) {
    ui.alert(TITLE, joinSentences([MESSAGES.nothingSelected, hiddenSentence(selection.hiddenCount)]), ui.ButtonSet.OK);
    return null;
  }
  return {
    type,
    settings,
    spreadsheetId: SpreadsheetApp.getActiveSpreadsheet().getId(),
    sheet: selection.sheet,
    rows: selection.rows,
    hiddenCount: selection.hiddenCount,
    startedAt,
  };
}

/**
 * Sends the job's rows to the function in chunks, following `remaining` ranges, until all rows are done,
 * an error answer arrives, or the time budget is used up (no new call starts after TIME_BUDGET_MS).
 * Each row is kept once, as its latest answer row: a `not_yet` row that a follow-up call then did is
 * counted by its final status. In a real run, rows the function could not write are written here.
 * @param {{type: string, settings: {functionUrl: string, interviewId: string, hideMenu: boolean},
 *     spreadsheetId: string, sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: number[], startedAt: number}} job
 *     from prepareJob
 * @param {{dryRun: boolean, force: boolean, onChunk?: (progress: {done: number, total: number}) => void}} options
 * @return {{rows: Array<{row: number, status: string}>, done: number, total: number, stopped: boolean, error: string,
 *     emailChanged: number}} the latest answer row of each row (in order of first answer), progress, and why it
 *     ended early if it did
 */
function processRows(job, options) {
  const outcome = {
    rows: [],
    done: 0,
    total: job.rows.length,
    stopped: false,
    error: '',
    emailChanged: 0,
  };
  const latest = new Map();
  const queue = chunkRows(job.rows, getChunkSize());
  while (queue.length) {
    if (Date.now() - job.startedAt >= TIME_BUDGET_MS) {
      outcome.stopped = true;
      break;
    }
    const chunk = queue.shift();
    const answer = callFunction(job.settings.functionUrl, {
      spreadsheet_id: job.spreadsheetId,
      sheet_id: job.sheet.getSheetId(),
      ranges: rowsToRanges(chunk),
      type: job.type,
      interview_id: job.settings.interviewId,
      hide_menu: job.settings.hideMenu,
      dry_run: options.dryRun,
      force: options.force,
    });
    if (answer.ok === false) {
      outcome.error = answer.message;
      if (answer.rows) {
        keepLatest(latest, answer.rows);
        if (!options.dryRun) outcome.emailChanged += writeRowsNotWritten(job.sheet, answer.rows, answer.columns);
      }
      break;
    }
    const data = answer.data;
    let remaining;
    try {
      const inChunk = new Set(chunk);
      remaining = rangesToRows(data.remaining).filter((row) => inChunk.has(row));
    } catch (e) {
      outcome.error = e.message;
      break;
    }
    keepLatest(latest, data.rows);
    if (!options.dryRun) {
      outcome.emailChanged += writeRowsNotWritten(job.sheet, data.rows, data.columns);
    }
    outcome.done += chunk.length - remaining.length;
    if (options.onChunk) options.onChunk({ done: outcome.done, total: outcome.total });
    if (remaining.length === chunk.length) {
      outcome.error = MESSAGES.noProgress;
      break;
    }
    if (remaining.length) queue.unshift(remaining);
  }
  outcome.rows = Array.from(latest.values());
  return outcome;
}

/**
 * Keeps the latest answer row of each row, keyed by row number: a row answered again (a `remaining`
 * continuation) replaces its earlier answer and keeps its place.
 * @param {Map<number, {row: number, status: string}>} latest the rows kept so far (changed in place)
 * @param {Array<{row: number, status: string}>} rows rows of one answer
 */
function keepLatest(latest, rows) {
  for (const row of rows) latest.set(row.row, row);
}

/**
 * Writes the result, interview_url and profile_interview_id of the rows the function could not write
 * (written: false), after checking that the row still holds the row's email.
 * Values are written with setValues as text: each non-empty value gets a leading apostrophe, so nothing
 * is ever taken as a formula (= + - @), a number or a date; the Sheet stores and shows the value without it,
 * like the function's own RAW writes.
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet the sheet of the run
 * @param {Array<{row: number, email: string, written: boolean}>} rows rows of one answer
 * @param {Object<string, string>} columns A1 column letters of the answer, by field name
 * @return {number} how many rows were left unwritten because their email no longer matches
 */
function writeRowsNotWritten(sheet, rows, columns) {
  let emailChanged = 0;
  let lastColumn = 0;
  for (const row of rows) {
    if (row.written !== false) continue;
    const cells = cellsToWrite(row, columns);
    if (!cells.length) continue;
    lastColumn = lastColumn || Math.max(sheet.getLastColumn(), 1);
    const current = sheet.getRange(row.row, 1, 1, lastColumn).getDisplayValues()[0];
    if (!rowHasEmail(current, row.email)) {
      emailChanged++;
      continue;
    }
    for (const cell of cells) {
      sheet.getRange(cell.a1).setValues([[cell.value]]);
    }
  }
  return emailChanged;
}

/**
 * Lists the cells to write for one answer row, without touching the Sheet.
 * @param {Object} row a row of the answer (row number and the fields of WRITTEN_FIELDS that it has)
 * @param {Object<string, string>} columns A1 column letters by field name; fields without a valid letter are left out
 * @return {Array<{a1: string, value: string}>} A1 cell and value to write (as text, see asText)
 */
function cellsToWrite(row, columns) {
  const cells = [];
  if (!Number.isInteger(row.row) || row.row <= HEADER_ROW) return cells;
  for (const field of WRITTEN_FIELDS) {
    const column = columns && columns[field];
    // A row the run did not send gets back what its result cell held (result_cell); its
    // result sentence is for the dialog only and is never written.
    const value = field === 'result' && typeof row.result_cell === 'string' ? row.result_cell : row[field];
    if (field === 'result' && typeof row.result_cell !== 'string' && !RESULT_WRITTEN_STATUSES.has(row.status)) continue;
    if (typeof value !== 'string' || typeof column !== 'string' || !/^[A-Z]{1,3}$/.test(column)) continue;
    cells.push({ a1: column + row.row, value: asText(value) });
  }
  return cells;
}

/**
 * Makes a value be stored as text by Sheets: a leading apostrophe, except for the empty string.
 * @param {string} value the value
 * @return {string} the value to pass to setValues
 */
function asText(value) {
  return value === '' ? '' : "'" + value;
}

/**
 * Tells whether a row still holds an email address, in any cell (trimmed, case-insensitive).
 * @param {string[]} cells the displayed values of the row
 * @param {string} email the email of the answer row
 * @return {boolean} true when one cell matches
 */
function rowHasEmail(cells, email) {
  const wanted = String(email || '').trim().toLowerCase();
  return wanted !== '' && cells.some((cell) => String(cell).trim().toLowerCase() === wanted);
}
