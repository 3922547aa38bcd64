/**
 * Runs a selection through the function: dry run, confirmation, real run in parts, closing summary.
 *
 * Time rules (Apps Script ends an execution after 6 minutes, "Exceeded maximum execution time", and shows nothing;
 * UrlFetchApp gives up on a call after about 60 s):
 * - the 6 minutes start at the menu click, and the dialogs count;
 * - no call starts with less than CALL_RESERVE_MS left: room for a whole call (60 s) and for writing back and
 *   showing the closing dialog;
 * - a wait that Google Sheets asks for (`retry_after_seconds`) is made only if the wait plus CALL_RESERVE_MS still
 *   fits; otherwise the run stops there;
 * - a run that stops early says how many rows are done; running it again on the same selection continues, since
 *   the function skips the rows already done.
 */

/** Apps Script's limit on one execution. */
const EXECUTION_LIMIT_MS = 6 * 60 * 1000;

/** No call starts with less than this left of EXECUTION_LIMIT_MS: UrlFetchApp's 60 s, and 30 s to finish. */
const CALL_RESERVE_MS = 90 * 1000;

/** How long to wait for another run in this Sheet to finish before telling the user. */
const LOCK_WAIT_MS = 2000;

/**
 * For a menu item: the document lock, so that two runs never work on one Sheet at once; null (after saying that
 * another run is going on) when it is held.
 * @param {GoogleAppsScript.Base.Ui} ui the spreadsheet's UI
 * @param {string} title the dialog's title
 * @return {GoogleAppsScript.Lock.Lock|null} the lock, to release when done
 */
function takeDocumentLock(ui, title) {
  const lock = LockService.getDocumentLock();
  if (lock.tryLock(LOCK_WAIT_MS)) return lock;
  ui.alert(title, MESSAGES.busy, ui.ButtonSet.OK);
  return null;
}

/** Answer fields the script writes itself for rows the function could not write, in column order. */
const WRITTEN_FIELDS = ['interview_url', 'result', 'profile_interview_id'];

/** Row statuses whose result sentence belongs in the Sheet (the others' sentences are for the dialog only). */
const RESULT_WRITTEN_STATUSES = new Set([
  'ok', 'recovered', 'duplicate', 'invalid', 'error', 'pending', 'invited', 'activated', 'already_invited',
]);

/**
 * Menu item "Generate interview links": interview links without email.
 */
function generateInterviewLinks() {
  requireEveryScope();
  runFromMenu('url');
}

/**
 * Menu item "Send email invitations": JobMojito's email chain.
 */
function sendEmailInvitations() {
  requireEveryScope();
  runFromMenu('invitation');
}

/**
 * Menu item "Preview selection": a dry run of the selection, shown as a short summary. Nothing is sent or written.
 */
function previewSelection() {
  const startedAt = Date.now();
  requireEveryScope();
  const job = prepareJob('invitation', startedAt);
  if (!job) return;
  const plan = processRows(job, { dryRun: true, force: false });
  const ui = SpreadsheetApp.getUi();
  if (plan.error || plan.stopped) {
    ui.alert(dialogTitle(job.settings), planFailure(plan), ui.ButtonSet.OK);
  } else {
    ui.alert(
      dialogTitle(job.settings, 'preview'),
      withTestMode(job.settings, previewText(plan.rows, job.hidden, plan.credits)),
      ui.ButtonSet.OK,
    );
  }
}

/**
 * The sentence for a dry run that did not finish: its error, or why it stopped.
 * @param {{error: string, stopReason?: string}} plan the dry run's outcome
 * @return {string} the sentence
 */
function planFailure(plan) {
  if (plan.error) return plan.error;
  return plan.stopReason === 'quota' ? ERROR_FALLBACKS.sheets_quota_exceeded : MESSAGES.checkTooLong;
}

/**
 * Dry run, confirmation, then the real run, under the document lock so that two runs never overlap.
 * @param {string} type "url", "invitation" or "personal_invitation"
 * @param {number=} startedAt when the menu item was chosen (ms since epoch; now when absent)
 * @param {{message?: string}=} extra a personal invitation's message (already checked, see checkPersonalMessage)
 */
function runFromMenu(type, startedAt, extra) {
  const job = prepareJob(type, startedAt || Date.now());
  if (!job) return;
  if (extra && typeof extra.message === 'string') job.message = extra.message;
  const title = dialogTitle(job.settings);
  const ui = SpreadsheetApp.getUi();
  const lock = takeDocumentLock(ui, title);
  if (!lock) return;
  try {
    const plan = processRows(job, { dryRun: true, force: false });
    if (plan.error || plan.stopped) {
      ui.alert(title, planFailure(plan), ui.ButtonSet.OK);
      return;
    }
    const grouped = groupResults(plan.rows);
    let force = false;
    // Rows with a link from an earlier run (recovered) need a real run too: it writes their links, sending nothing.
    if (grouped.wouldSend === 0 && grouped.recovered === 0) {
      const text = withTestMode(job.settings, nothingNewText(plan.rows, job.hidden, plan.credits));
      if (grouped.forceable === 0) {
        ui.alert(title, text, ui.ButtonSet.OK);
        return;
      }
      if (ui.alert(title, text, ui.ButtonSet.YES_NO) !== ui.Button.YES) {
        SpreadsheetApp.getActiveSpreadsheet().toast(MESSAGES.cancelled, title);
        return;
      }
      force = true;
    } else if (
      ui.alert(title, withTestMode(job.settings, confirmationText(type, plan.rows, job.hidden, plan.credits)), ui.ButtonSet.OK_CANCEL) !== ui.Button.OK
    ) {
      SpreadsheetApp.getActiveSpreadsheet().toast(MESSAGES.cancelled, title);
      return;
    }
    const outcome = processRows(job, {
      dryRun: false,
      force,
      onPart: (progress) =>
        SpreadsheetApp.getActiveSpreadsheet().toast(
          formatNumber(progress.done) + ' of ' + formatNumber(progress.total) + ' done…',
          title,
        ),
    });
    ui.alert(title, withTestMode(job.settings, summaryText(type, outcome)), ui.ButtonSet.OK);
  } finally {
    lock.releaseLock();
  }
}

/**
 * What a run sends and where: the run's kind ("url", "invitation", "personal_invitation", or "status" for a status
 * refresh), the settings, the tab and its rows, the rows per call, when the execution started, and whether it may
 * show toasts (`quiet`: the hourly refresh, which runs with no one looking). A personal invitation also has the
 * recruiter's `message`.
 * @typedef {{type: string, settings: {functionUrl: string, interviewId: string, hideMenu: boolean,
 *     testMode?: boolean, languageCode?: string}, spreadsheetId: string, sheet: GoogleAppsScript.Spreadsheet.Sheet,
 *     rows: number[], hidden?: {filter: number, user: number}, partSize: number, startedAt: number,
 *     quiet?: boolean, message?: string}} Job
 */

/**
 * Checks the settings and reads the selection; tells the user what is missing when it cannot start.
 * @param {string} type "url", "invitation", "personal_invitation" or "status"
 * @param {number} startedAt when the menu item was chosen (ms since epoch)
 * @param {(() => {sheet: GoogleAppsScript.Spreadsheet.Sheet, rows: number[], hidden: {filter: number, user: number}})=}
 *     select how to read the rows (default readSelection; the status refresh reads the whole tab for one cell)
 * @return {?Job} what a run needs, or null when the user was told why it cannot start
 */
function prepareJob(type, startedAt, select) {
  const ui = SpreadsheetApp.getUi();
  const settings = getSettings();
  if (!settingsReady(ui, settings)) return null;
  const selection = (select || readSelection)();
  if (selection.rows.length === 0) {
    ui.alert(TITLE, joinSentences([MESSAGES.nothingSelected, hiddenSentence(selection.hidden)]), ui.ButtonSet.OK);
    return null;
  }
  return {
    type,
    settings,
    spreadsheetId: SpreadsheetApp.getActiveSpreadsheet().getId(),
    sheet: selection.sheet,
    rows: selection.rows,
    hidden: selection.hidden,
    partSize: getPartSize(),
    startedAt,
  };
}

/**
 * Sends the job's rows to the function in parts of at most getPartSize() rows, following `remaining` ranges, until
 * all rows are done, an error answer arrives, or too little of the execution's time is left (see the time rules at
 * the top). When an answer asks for a wait (`retry_after_seconds`: a 200 with `remaining`, or the 429
 * sheets_quota_exceeded error), the run waits that long if the wait still fits, then continues (the 429's call is
 * sent again); otherwise it stops there, as for time. A 413 too_many_rows (a function deployed with a lower
 * MAX_ROWS) halves the parts and sends the same rows again.
 * Each row is kept once, as its latest answer row: a `not_yet` row that a follow-up call then did is
 * counted by its final status. In a real invitation run, rows the function could not write are written here, and
 * SpreadsheetApp.flush() applies those writes before the next call reads the Sheet. A status refresh writes nothing
 * here: the function writes every row of a refresh itself (each has `written: true`; a refresh whose write fails
 * answers the error, and is safe to send again), and its `columns` name only the four status columns.
 * The answers' `summary` numbers are added up in `totals` (a status refresh's stage and decision counts, which
 * are not row statuses: each call counts the rows it answered, so a row is counted by the call that did it).
 * @param {Job} job from prepareJob (partSize may be halved by a 413)
 * @param {{dryRun: boolean, force: boolean, onPart?: (progress: {done: number, total: number}) => void}} options
 * @return {{rows: Array<{row: number, status: string}>, done: number, total: number, stopped: boolean,
 *     stopReason: string, error: string, emailChanged: number, credits: ?{invitations_available: ?number},
 *     totals: Object<string, number>}} the latest answer row of each row (in order of first answer), progress, why it
 *     ended early if it did, the JobMojito balance of the latest answer that had one (readCredits: undefined when none
 *     had the field), and the answers' summary numbers added up
 */
function processRows(job, options) {
  const outcome = {
    rows: [],
    done: 0,
    total: job.rows.length,
    stopped: false,
    stopReason: '',
    error: '',
    emailChanged: 0,
    credits: undefined,
    totals: {},
  };
  const latest = new Map();
  const queue = splitIntoParts(job.rows, job.partSize);
  let unflushed = false;
  const stop = (reason) => {
    outcome.stopped = true;
    outcome.stopReason = reason;
  };
  while (queue.length) {
    if (timeLeftMs(job) < CALL_RESERVE_MS) {
      stop('time');
      break;
    }
    const part = queue.shift();
    if (unflushed) {
      SpreadsheetApp.flush();
      unflushed = false;
    }
    const answer = callFunction(job.settings.functionUrl, requestBody(job, rowsToRanges(part), options));
    if (answer.ok === false) {
      if (answer.code === 'too_many_rows' && part.length > 1) {
        job.partSize = Math.ceil(part.length / 2); // kept for the rest of the run, the real run included
        queue.unshift(...splitIntoParts(part, job.partSize));
        continue;
      }
      if (answer.status === 429 && answer.retryAfterSeconds !== undefined) {
        if (!waitAsAsked(job, answer.retryAfterSeconds)) {
          stop('quota');
          break;
        }
        queue.unshift(part);
        continue;
      }
      outcome.error = answer.message;
      if (answer.rows) {
        keepLatest(latest, answer.rows);
        if (writesBack(job, options)) outcome.emailChanged += writeRowsNotWritten(job.sheet, answer.rows, answer.columns).emailChanged;
      }
      break;
    }
    const data = answer.data;
    let remaining;
    try {
      const inPart = new Set(part);
      remaining = rangesToRows(data.remaining).filter((row) => inPart.has(row));
    } catch (e) {
      outcome.error = e.message;
      break;
    }
    keepLatest(latest, data.rows);
    addTotals(outcome.totals, data.summary);
    const credits = readCredits(data);
    if (credits !== undefined) outcome.credits = credits;
    if (writesBack(job, options)) {
      const written = writeRowsNotWritten(job.sheet, data.rows, data.columns);
      outcome.emailChanged += written.emailChanged;
      unflushed = unflushed || written.cells > 0;
    }
    outcome.done += part.length - remaining.length;
    if (options.onPart) options.onPart({ done: outcome.done, total: outcome.total });
    if (!remaining.length) continue;
    const wait = retryAfterSeconds(data.retry_after_seconds);
    if (wait !== null) {
      queue.unshift(remaining);
      if (!waitAsAsked(job, wait)) {
        stop('quota');
        break;
      }
      continue;
    }
    if (remaining.length === part.length) {
      outcome.error = MESSAGES.noProgress;
      break;
    }
    queue.unshift(remaining);
  }
  if (unflushed) SpreadsheetApp.flush();
  outcome.rows = Array.from(latest.values());
  return outcome;
}

/**
 * Tells whether the script writes the rows of this run's answers that the function could not write: a real
 * invitation run's (never a dry run's, never a status refresh's, whose rows the function always writes).
 * @param {Job} job the run
 * @param {{dryRun: boolean}} options
 * @return {boolean} true for a real invitation run
 */
function writesBack(job, options) {
  return !options.dryRun && job.type !== 'status';
}

/**
 * The JSON body of one call, without side effects. An invitation run sends the kind of run, the interview, the
 * interview menu setting, dry_run and force; a personal invitation adds the recruiter's message (when there is one)
 * and the language of Settings; a status refresh sends `"action": "status"` and the interview only (it has no
 * dry run, sends nothing that costs anything and needs no `type`). In test mode every body has `is_test: true`;
 * otherwise the field is left out (its default is false).
 * @param {Job} job the run
 * @param {string[]} ranges the part's rows as "N:M" ranges
 * @param {{dryRun: boolean, force: boolean}} options
 * @return {Object} the body
 */
function requestBody(job, ranges, options) {
  /** @type {Object<string, *>} */
  const body = { spreadsheet_id: job.spreadsheetId, sheet_id: job.sheet.getSheetId(), ranges };
  if (job.type === 'status') {
    body.action = 'status';
    body.interview_id = job.settings.interviewId;
  } else {
    body.type = job.type;
    body.interview_id = job.settings.interviewId;
    body.hide_menu = job.settings.hideMenu;
    body.dry_run = options.dryRun;
    body.force = options.force;
    if (job.type === 'personal_invitation') {
      if (job.message) body.message_from_recruiter = job.message;
      body.mojito_language_code = job.settings.languageCode || DEFAULT_LANGUAGE;
    }
  }
  if (job.settings.testMode) body.is_test = true;
  return body;
}

/**
 * Adds the numbers of one answer's `summary` to the run's totals (other fields are ignored).
 * @param {Object<string, number>} totals the totals so far (changed in place)
 * @param {*} summary the answer's summary
 */
function addTotals(totals, summary) {
  if (!summary || typeof summary !== 'object') return;
  for (const [field, value] of Object.entries(summary)) {
    if (typeof value === 'number' && Number.isFinite(value)) totals[field] = (totals[field] || 0) + value;
  }
}

/**
 * How much of the execution's 6 minutes is left.
 * @param {{startedAt: number}} job the run (startedAt: the menu click, ms since epoch)
 * @return {number} milliseconds
 */
function timeLeftMs(job) {
  return EXECUTION_LIMIT_MS - (Date.now() - job.startedAt);
}

/**
 * Waits as Google Sheets asked (Utilities.sleep), if the wait leaves CALL_RESERVE_MS for the next call.
 * @param {{startedAt: number, quiet?: boolean}} job the run (quiet: no toast, for the hourly refresh)
 * @param {number} seconds the wait the answer asked for
 * @return {boolean} true when it waited; false when the wait does not fit in the time left (nothing waited)
 */
function waitAsAsked(job, seconds) {
  const ms = Math.ceil(seconds * 1000);
  if (timeLeftMs(job) - ms < CALL_RESERVE_MS) return false;
  if (ms > 0) {
    if (!job.quiet) SpreadsheetApp.getActiveSpreadsheet().toast(waitingText(seconds), TITLE);
    Utilities.sleep(ms);
  }
  return true;
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
 * (written: false), after checking that the row still holds the row's email. Text is written with setValues as
 * text: each non-empty value gets a leading apostrophe, so nothing is ever taken as a formula (= + - @), a number or
 * a date; the Sheet stores and shows the value without it, like the function's own RAW writes.
 * @param {GoogleAppsScript.Spreadsheet.Sheet} sheet the sheet of the run
 * @param {Array<{row: number, email: string, written: boolean}>} rows rows of one answer
 * @param {Object<string, string>} columns A1 column letters of the answer, by field name
 * @return {{emailChanged: number, cells: number}} how many rows were left unwritten because their email no longer
 *     matches, and how many cells were written
 */
function writeRowsNotWritten(sheet, rows, columns) {
  let emailChanged = 0;
  let written = 0;
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
      written++;
    }
  }
  return { emailChanged, cells: written };
}

/**
 * Lists the cells to write for one answer row, without touching the Sheet.
 * @param {Object} row a row of the answer (row number, status and the fields it has)
 * @param {Object<string, string>} columns A1 column letters by field name; fields without a valid letter are left out
 * @return {Array<{a1: string, value: string}>} A1 cell and value (as text, see asText) to write
 */
function cellsToWrite(row, columns) {
  const cells = [];
  if (!Number.isInteger(row.row) || row.row <= HEADER_ROW) return cells;
  for (const field of WRITTEN_FIELDS) {
    const column = columns && columns[field];
    if (typeof column !== 'string' || !/^[A-Z]{1,3}$/.test(column)) continue;
    // A row the run did not send gets back what its result cell held (result_cell); its
    // result sentence is for the dialog only and is never written.
    const value = field === 'result' && typeof row.result_cell === 'string' ? row.result_cell : row[field];
    if (field === 'result' && typeof row.result_cell !== 'string' && !RESULT_WRITTEN_STATUSES.has(row.status)) continue;
    if (typeof value !== 'string') continue;
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
